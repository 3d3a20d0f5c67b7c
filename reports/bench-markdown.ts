// bench.md: a `racetrack bench` report for people, and for docs/benchmarks.md. Pure: report in,
// Markdown out.
import type { BenchReport, ContentionPoint, ContentionRow, LatencyStats, RatioName, RatioReport } from '../harness/bench/bench-types.ts';
import { codeBlock, codeSpan, tableRow } from './markdown-text.ts';
import { formatDuration, formatMs } from './number-format.ts';

/** The columns of the every-point table, in the Markdown and the HTML report alike. */
export const POINT_COLUMNS = [
  'implementation',
  'workers',
  'ops',
  'errors',
  'ops/s (rounds min–max)',
  'wait (ms)',
  'hold (ms)',
  'op (ms)',
  'lock busy',
  'hand-off (ms)',
  'ops per worker (min–max)',
  'Jain',
  'p99 wait / fair share',
  'file check',
] as const;

/** What each ratio means, in one phrase. */
export const RATIO_MEANING: Readonly<Record<RatioName, string>> = {
  contendedVsSerial: 'contended throughput over the serial (1-worker) rate of the same op',
  p99WaitOverFairShare: 'p99 lock wait over workers × median hold',
  lockVsKernelFlock: 'the lock alone (--op lock): our throughput over the kernel’s flock(2) from one Python process per worker',
  lockVsProperLockfile: 'the lock alone (--op lock): our throughput over proper-lockfile’s',
  reserveVsSpin: 'durable reserve: our throughput over the ID-reservation spec’s fixed-10 ms spin lock’s (a barging lock)',
  vsProperLockfile: 'our throughput over proper-lockfile’s, same op, same contention (context, no longer a target)',
  vsSeedSpin: 'our throughput over the ID-reservation spec’s fixed-10 ms spin lock’s (context, no longer a target; see reserveVsSpin)',
  harnessOverhead: 'harness wall time over a bare loop doing the same allocations, at 100 iterations (context, no longer a target; see harnessThroughput)',
  harnessThroughput: 'harness throughput over a bare loop doing the same allocations, at 10^4 iterations',
};

/** The ratios in the order the reports list them. */
export const RATIO_ORDER = Object.keys(RATIO_MEANING) as RatioName[];

/** A ratio's value to two decimals (three significant digits below 0.1), or `n/a`. */
export function formatRatio(value: number | null, bound?: number): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  const shown = Math.abs(value) >= 0.1 ? value.toFixed(2) : value.toPrecision(2);
  // A value that rounds onto its target's bound without being it (0.6696 against 0.67) shows the digits that tell them apart.
  if (bound === undefined || value === bound || shown !== formatRatio(bound)) return shown;
  let digits = 4;
  while (digits < 12 && value.toFixed(digits) === bound.toFixed(digits)) digits++;
  return value.toFixed(digits);
}

/** A ratio's value as printed beside its target (see formatRatio). */
export function ratioValueText(r: RatioReport): string {
  return formatRatio(r.value, r.bound);
}

/**
 * A ratio's value in each round and in how many of them it met its target: `3.10, 3.40, 3.90 (met
 * in 1 of 3)`, or `(met in 1 of 2 measured)` when a round measured nothing; `—` when the ratio
 * has a single measurement.
 */
export function roundsCell(r: RatioReport): string {
  const rounds = r.rounds ?? [];
  if (rounds.length < 2) return '—';
  const measured = rounds.filter((v): v is number => v !== null);
  const met = r.roundsMet;
  const of = measured.length === rounds.length ? `${rounds.length}` : `${measured.length} measured`;
  return `${rounds.map((v) => formatRatio(v)).join(', ')} (met in ${met} of ${of})`;
}

/** `met`, `NOT met`, `not measured`, or `context` for a ratio that is no longer a target. */
export function verdictOf(r: RatioReport): string {
  if (r.note !== undefined) return 'context';
  return r.met === null ? 'not measured' : r.met ? 'met' : 'NOT met';
}

/** The ceiling line of a report: the most any lock could give the core's op, beside what it got. */
export function ceilingLine(report: BenchReport): string | null {
  const c = report.ceiling;
  if (c === undefined || c.opsPerSecond === null) return null;
  const share =
    c.shareOfCeiling === null ? '' : `; the core reached ${Math.round(c.coreOpsPerSecond ?? 0)} ops/s at ${report.config.referenceWorkers} workers, ${Math.round(c.shareOfCeiling * 100)}% of it`;
  return `Ceiling: ${Math.round(c.opsPerSecond)} ops/s (1 / the core's median hold of ${c.holdP50Ms} ms with one worker alone)${share}.`;
}

/**
 * The line of `--op lock` that bounds the lock-alone ratios for any lock taken by creating a name:
 * what creating and removing the name around the critical section allows here, over the kernel's
 * and proper-lockfile's rows. A ratio of the run above its bound (a slow moment in the bound's own
 * measurement) is named, since then the bound is not one.
 */
export function pathLockBoundLine(report: BenchReport): string | null {
  const b = report.pathLockBound;
  if (b === undefined) return null;
  const versus = (value: number | null, whom: string, ratio: 'lockVsKernelFlock' | 'lockVsProperLockfile'): string[] => {
    if (value === null) return [];
    const measured = report.ratios[ratio].value;
    const above = measured !== null && measured > value ? `; ${ratio} measured ${formatRatio(measured)}, above it: this bound was measured low` : '';
    return [`${formatRatio(value)} × ${whom} (${ratio} can be no higher${above})`];
  };
  const parts = [...versus(b.vsKernelFlock, "the kernel's flock(2)", 'lockVsKernelFlock'), ...versus(b.vsProperLockfile, 'proper-lockfile', 'lockVsProperLockfile')];
  return `Measured bound for any lock taken by creating a name: ${Math.round(b.opsPerSecond)} ops/s (${b.way}, the critical section, remove the name; one thread alone, no record, queue or waiting; best round)${parts.length === 0 ? '' : `, ${parts.join(' and ')}, at ${report.config.referenceWorkers} workers`}.`;
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatMs(v));
const opsPerSecond = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Math.round(v)));
/** The lock's busy share as a percentage. */
export const busy = (v: number | null | undefined) => (v == null ? '—' : `${Math.round(v * 100)}%`);
/** A hand-off time in ms, three significant digits. */
export const handoff = (v: number | null | undefined) => (v == null ? '—' : String(Number(v.toPrecision(3))));
const num = (v: number) => String(Number(v.toPrecision(3)));
/** p50 / p99 / max, in ms (the column heads say so). */
const triple = (s: LatencyStats | null) => (s === null ? '—' : `${num(s.p50Ms)} / ${num(s.p99Ms)} / ${num(s.maxMs)}`);

/** The fewest and most operations one worker completed: `110–112` (the full list is in bench.json). */
export function perWorkerRange(p: ContentionPoint): string {
  if (p.perWorkerOps.length === 0) return '—';
  return `${Math.min(...p.perWorkerOps)}–${Math.max(...p.perWorkerOps)}`;
}

/** Median ops/s, and the rounds' range when there were several: `412 (390–430)`. */
export function throughputCell(p: ContentionPoint | undefined): string {
  if (p === undefined) return '—';
  const rounds = p.roundThroughputs ?? [];
  if (rounds.length < 2) return opsPerSecond(p.throughput);
  return `${opsPerSecond(p.throughput)} (${opsPerSecond(Math.min(...rounds))}–${opsPerSecond(Math.max(...rounds))})`;
}

/** The point of `row` at `workers`, if measured. */
export function pointOf(row: ContentionRow, workers: number): ContentionPoint | undefined {
  return row.points.find((p) => p.workers === workers);
}

function ratiosSection(report: BenchReport): string[] {
  const lines = ['## Targets', '', tableRow(['ratio', 'value', 'target', 'verdict', 'each round', 'meaning', 'basis']), tableRow(['---', '---:', '---', '---', '---', '---', '---'])];
  for (const name of RATIO_ORDER) {
    const r = report.ratios[name];
    lines.push(tableRow([codeSpan(name), ratioValueText(r), r.target, verdictOf(r), roundsCell(r), RATIO_MEANING[name], r.note === undefined ? r.basis : `${r.basis}; ${r.note}`]));
  }
  const ceiling = ceilingLine(report);
  if (ceiling !== null) lines.push('', ceiling);
  const bound = pathLockBoundLine(report);
  if (bound !== null) lines.push('', bound);
  lines.push(
    '',
    'Ratios are measured in this one run, on this machine; they are reported, never asserted. The value compares the median rounds of the rows (the fairness ratio pools all rounds), so it need not be the median of the rounds beside it; "each round" gives the same ratio within each round alone, so its spread shows how much the machine moved it. `harnessThroughput` (and the retired `harnessOverhead`) is measured once per run.',
    '',
    `The targets are racetrack's design goals. \`vsProperLockfile\` and \`vsSeedSpin\` asked more than a durable reserve allows where one fsync takes a good part of a millisecond (racetrack's docs/benchmarks.md works through the arithmetic): they are kept one release as context, and the lock is compared where it is the bottleneck, by \`racetrack bench --op lock\` (\`lockVsKernelFlock\`, \`lockVsProperLockfile\`).`,
  );
  return lines;
}

function peersSection(report: BenchReport): string[] {
  const w = report.config.referenceWorkers;
  const lines = [
    `## Peers at ${w} workers`,
    '',
    `${report.config.op}, ${report.config.isolation === 'process' ? 'child processes' : 'worker threads'}, ${report.config.durable ? 'durable writes (fsync)' : 'writes without fsync'}, ${report.config.rounds} round(s) of ${report.config.durationMs} ms per point. ` +
      'Lock busy: the share of the window a holder was inside (ops × mean hold / elapsed). Hand-off: the mean idle time per operation between one release and the next acquire.',
    '',
    tableRow(['implementation', 'ops/s (rounds min–max)', 'wait p50 / p99 / max (ms)', 'hold p50 / p99 / max (ms)', 'lock busy', 'hand-off (ms)', 'Jain', 'p99 wait / fair share', 'errors']),
    tableRow(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const row of report.contention) {
    const p = pointOf(row, w);
    if (row.skipped !== null) lines.push(tableRow([row.name, '—', '—', '—', '—', '—', '—', '—', `skipped: ${row.skipped}`]));
    else if (p === undefined) lines.push(tableRow([row.name, '—', '—', '—', '—', '—', '—', '—', `no ${w}-worker point`]));
    else
      lines.push(
        tableRow([row.name, throughputCell(p), triple(p.wait), triple(p.hold), busy(p.lockBusy), handoff(p.handoffMs), p.jain.toFixed(2), formatRatio(p.p99WaitOverFairShare), String(p.errors)]),
      );
  }
  return lines;
}

function throughputSection(report: BenchReport): string[] {
  const workers = report.config.workers;
  const lines = [
    '## Throughput (ops/s) by number of workers',
    '',
    `The median of ${report.config.rounds} round(s) of ${report.config.durationMs} ms, with the slowest and fastest round in brackets.`,
    '',
    tableRow(['implementation', ...workers.map(String)]),
    tableRow(['---', ...workers.map(() => '---:')]),
  ];
  for (const row of report.contention) {
    if (row.skipped !== null) continue;
    lines.push(tableRow([row.name, ...workers.map((w) => throughputCell(pointOf(row, w)))]));
  }
  return lines;
}

function pointsSection(report: BenchReport): string[] {
  const lines = [
    '## Every point',
    '',
    'Latencies are p50 / p99 / max from HDR histograms (µs resolution). Wait: acquire start → acquired. Hold: acquired → release start. Op: the whole operation.',
    '',
    tableRow([...POINT_COLUMNS]),
    tableRow(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const row of report.contention) {
    for (const p of row.points) {
      const errors = p.errors > 0 ? `${p.errors} (${p.errorSamples.join('; ')})` : '0';
      lines.push(
        tableRow([
          row.name,
          String(p.workers),
          String(p.ops),
          errors,
          throughputCell(p),
          triple(p.wait),
          triple(p.hold),
          triple(p.op),
          busy(p.lockBusy),
          handoff(p.handoffMs),
          perWorkerRange(p),
          p.jain.toFixed(2),
          formatRatio(p.p99WaitOverFairShare),
          p.inconsistency ?? 'ok',
        ]),
      );
    }
  }
  return lines;
}

function singleOpSection(report: BenchReport): string[] {
  if (report.singleOp.length === 0) return [];
  const lines = [
    '## Uncontended latency of each core operation (tinybench)',
    '',
    tableRow(['operation', 'p50', 'p99', 'mean', 'ops/s', 'samples', 'what']),
    tableRow(['---', '---:', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const r of report.singleOp) {
    if (r.state === 'errored') lines.push(tableRow([r.name, '—', '—', '—', '—', '0', `errored: ${r.error ?? ''}`]));
    else lines.push(tableRow([r.name, ms(r.p50Ms), ms(r.p99Ms), ms(r.meanMs), opsPerSecond(r.opsPerSecond), String(r.samples), r.describe]));
  }
  return lines;
}

function machineSection(report: BenchReport): string[] {
  const m = report.machine;
  const load = (l: readonly number[]) => l.map((v) => v.toFixed(2)).join(' ');
  return [
    '## Machine',
    '',
    tableRow(['', '']),
    tableRow(['---', '---']),
    tableRow(['CPUs (nproc)', String(m.nproc)]),
    tableRow(['CPU model', m.cpuModel]),
    tableRow(['memory', `${m.memoryGiB} GiB`]),
    tableRow(['temp dir', `${m.tmpdir}: ${m.tmpdirFilesystem}`]),
    tableRow(['runtime', m.runtime]),
    tableRow(['kernel', `${m.kernel} (${m.platform})`]),
    tableRow(['load average (1 5 15 min)', `${load(m.loadAverage.start)} at start, ${load(m.loadAverage.end)} at end`]),
  ];
}

function rowsSection(report: BenchReport): string[] {
  const lines = ['## What each row is', ''];
  for (const row of report.contention) lines.push(`- **${row.name}**: ${row.describe}${row.skipped === null ? '' : ` — skipped: ${row.skipped}`}`);
  if (report.overhead !== null) {
    const o = report.overhead;
    lines.push(
      '',
      `Harness overhead: \`racetrack run allocate\` (${o.iterations} iterations × ${o.workers} threads) took ${formatDuration(o.harnessMs)}; a bare loop of ${o.workers} threads doing the same allocations took ${formatDuration(o.bareMs)}. Both are timed from starting their threads to their end.`,
    );
  }
  return lines;
}

/** What the store rows ran on (`bench --store`), with its durability in words; null without a store. */
export function storeLine(report: BenchReport): string | null {
  const s = report.store;
  if (s === undefined) return null;
  const durability = s.durable
    ? 'durable: each commit is on disk before reserve or claim returns, as the file core fsyncs'
    : 'NOT durable: a commit may be lost in a crash, so its rows are not a fair comparison with durable files';
  return `The store rows ran on ${s.server}, PostgreSQL ${s.version}, fsync=${s.fsync}, synchronous_commit=${s.synchronousCommit}: ${durability}.`;
}

/** The whole bench.md. */
export function renderBenchMarkdown(report: BenchReport): string {
  const c = report.config;
  return [
    `# racetrack bench: ${c.op} under contention (${c.isolation === 'process' ? 'child processes' : 'worker threads'}${c.quick ? ', quick' : ''})`,
    '',
    `Measured ${report.measuredAt} in ${formatDuration(report.wallMs)}.`,
    '',
    ...(storeLine(report) === null ? [] : [storeLine(report)!, '']),
    ...ratiosSection(report),
    '',
    ...peersSection(report),
    '',
    ...throughputSection(report),
    '',
    ...singleOpSection(report),
    '',
    ...rowsSection(report),
    '',
    ...machineSection(report),
    '',
    ...pointsSection(report),
    '',
    '## Regenerate',
    '',
    codeBlock(c.command, 'sh'),
    '',
  ].join('\n');
}
