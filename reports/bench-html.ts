// bench.html: one self-contained page (inline CSS and SVG; no script, font or URL outside it), so
// it opens offline and can be attached to a CI run as is. Pure: report in, HTML out.
import type { BenchReport, ContentionRow, HistogramBucket, LatencyStats } from '../harness/bench/bench-types.ts';
import {
  busy,
  ceilingLine,
  formatRatio,
  handoff,
  pathLockBoundLine,
  perWorkerRange,
  POINT_COLUMNS,
  pointOf,
  RATIO_MEANING,
  RATIO_ORDER,
  roundsCell,
  storeLine,
  throughputCell,
  ratioValueText,
  verdictOf,
} from './bench-markdown.ts';
import { formatDuration, formatMs } from './number-format.ts';
import { barChart, colorOf, lineChart } from './svg-chart.ts';
import { histogramChart } from './svg-histogram.ts';
import { xmlText as esc } from './xml-escape.ts';

const STYLE = `
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 24px auto; max-width: 1120px; padding: 0 16px; color: #1a1a1a; background: #fafafa; line-height: 1.45; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 36px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 10px 0; font-size: 13px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.met { color: #0a6b2d; font-weight: 600; } .notmet { color: #b3261e; font-weight: 600; } .na { color: #777; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; } .charts svg { max-width: 100%; height: auto; border: 1px solid #e2e2e2; background: #fff; }
.small svg { width: 540px; } code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
div.wide { overflow-x: auto; } table.compact th, table.compact td { padding: 3px 5px; font-size: 12px; } td.nowrap { white-space: nowrap; }
pre { background: #f0f0f0; padding: 8px 12px; overflow-x: auto; } ul.rows li { margin: 3px 0; }
`;

interface Column {
  readonly head: string;
  readonly num?: boolean;
  readonly nowrap?: boolean;
}

/** An HTML table; cells are text (escaped here) or, when marked `{ html }`, markup built by this module. */
function table(columns: readonly Column[], rows: readonly (readonly (string | { html: string })[])[], className = ''): string {
  const head = columns.every((c) => c.head === '') ? '' : `<tr>${columns.map((c) => `<th>${esc(c.head)}</th>`).join('')}</tr>`;
  const body = rows.map(
    (r) => `<tr>${r.map((cell, i) => `<td${columns[i]?.num ? ' class="num"' : columns[i]?.nowrap ? ' class="nowrap"' : ''}>${typeof cell === 'string' ? esc(cell) : cell.html}</td>`).join('')}</tr>`,
  );
  return `<div class="wide"><table${className === '' ? '' : ` class="${className}"`}>${head}${body.join('')}</table></div>`;
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatMs(v));
const ops = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Math.round(v)));
const num = (v: number) => String(Number(v.toPrecision(3)));
/** p50 / p99 / max, in ms (the column heads say so). */
const triple = (s: LatencyStats | null) => (s === null ? '—' : `${num(s.p50Ms)} / ${num(s.p99Ms)} / ${num(s.maxMs)}`);

function ratiosTable(report: BenchReport): string {
  return table(
    [{ head: 'ratio' }, { head: 'value', num: true }, { head: 'target', nowrap: true }, { head: 'verdict', nowrap: true }, { head: 'each round' }, { head: 'meaning' }, { head: 'basis' }],
    RATIO_ORDER.map((name) => {
      const r = report.ratios[name];
      const cls = r.met === null ? 'na' : r.met ? 'met' : 'notmet';
      return [
        { html: `<code>${esc(name)}</code>` },
        ratioValueText(r),
        r.target,
        { html: `<span class="${cls}">${esc(verdictOf(r))}</span>` },
        roundsCell(r),
        RATIO_MEANING[name],
        r.note === undefined ? r.basis : `${r.basis}; ${r.note}`,
      ];
    }),
  );
}

function measured(report: BenchReport): ContentionRow[] {
  return report.contention.filter((r) => r.skipped === null && r.points.length > 0);
}

/** Two charts side by side fit the page. */
const HALF = { width: 540, height: 300, left: 60, right: 128, top: 36, bottom: 46 };

function sweepCharts(report: BenchReport): string {
  const rows = measured(report);
  const op = report.config.op;
  const series = (pick: (p: ContentionRow['points'][number]) => number | null | undefined) =>
    rows.map((r) => ({ name: r.name, points: r.points.flatMap((p) => (pick(p) == null ? [] : [{ x: p.workers, y: pick(p)! }])) }));
  const throughput = rows.map((r) => ({
    name: r.name,
    points: r.points.map((p) => {
      const rounds = p.roundThroughputs ?? [];
      return { x: p.workers, y: p.throughput, lo: rounds.length > 1 ? Math.min(...rounds) : undefined, hi: rounds.length > 1 ? Math.max(...rounds) : undefined };
    }),
  }));
  const charts = [lineChart({ title: `${op}: throughput against workers`, xLabel: 'workers', yLabel: 'ops/s', series: throughput, frame: HALF })];
  if (rows.some((r) => r.points.some((p) => p.wait !== null))) {
    charts.push(
      lineChart({ title: `${op}: p99 lock wait against workers`, xLabel: 'workers', yLabel: 'p99 wait (ms)', series: series((p) => p.wait?.p99Ms), frame: HALF }),
      lineChart({ title: `${op}: median hold against workers`, xLabel: 'workers', yLabel: 'p50 hold (ms)', series: series((p) => p.hold?.p50Ms), frame: HALF }),
      lineChart({ title: `${op}: lock busy (share of time held)`, xLabel: 'workers', yLabel: 'busy (%)', series: series((p) => (p.lockBusy === null ? null : p.lockBusy * 100)), frame: HALF }),
      lineChart({ title: `${op}: fairness (Jain's index over per-worker ops)`, xLabel: 'workers', yLabel: 'Jain index (1 = fair)', series: series((p) => p.jain), frame: HALF }),
    );
  }
  const note = report.config.rounds > 1 ? `<p>Throughput points are the median of ${report.config.rounds} rounds; the whiskers span the slowest and the fastest round.</p>` : '';
  return `<div class="charts">${charts.join('\n')}</div>${note}`;
}

function peersCharts(report: BenchReport): string {
  const w = report.config.referenceWorkers;
  const rows = measured(report).filter((r) => pointOf(r, w) !== undefined);
  if (rows.length === 0) return `<p class="na">No implementation was measured at ${w} workers.</p>`;
  const at = (r: ContentionRow) => pointOf(r, w)!;
  const names = rows.map((r) => r.name);
  const colors = rows.map((r) => colorOf(measured(report).indexOf(r)));
  const charts = [
    barChart({ title: `Throughput at ${w} workers`, yLabel: 'ops/s', categories: names, series: [{ name: 'ops/s', values: rows.map((r) => at(r).throughput) }], categoryColors: colors, frame: HALF }),
    barChart({
      title: `Lock wait and hold at ${w} workers`,
      yLabel: 'ms',
      categories: names,
      series: [
        { name: 'wait p50', values: rows.map((r) => at(r).wait?.p50Ms ?? null), color: '#56B4E9' },
        { name: 'wait p99', values: rows.map((r) => at(r).wait?.p99Ms ?? null), color: '#0072B2' },
        { name: 'hold p50', values: rows.map((r) => at(r).hold?.p50Ms ?? null), color: '#E69F00' },
        { name: 'hold p99', values: rows.map((r) => at(r).hold?.p99Ms ?? null), color: '#D55E00' },
      ],
      frame: HALF,
    }),
  ];
  return `<div class="charts">${charts.join('\n')}</div>`;
}

function histogramCharts(report: BenchReport): string {
  const w = report.config.referenceWorkers;
  const rows = measured(report).filter((r) => (pointOf(r, w)?.waitBuckets.length ?? 0) > 0);
  if (rows.length === 0) return '<p class="na">No lock timings to draw.</p>';
  const buckets: HistogramBucket[] = rows.flatMap((r) => [...pointOf(r, w)!.waitBuckets, ...pointOf(r, w)!.holdBuckets]);
  const range: [number, number] = [Math.min(...buckets.map((b) => b.fromMs)), Math.max(...buckets.map((b) => b.toMs))];
  const allWaits = histogramChart({
    title: `Lock wait at ${w} workers, every implementation`,
    rangeMs: range,
    series: rows.map((r) => ({ name: r.name, buckets: pointOf(r, w)!.waitBuckets, color: colorOf(measured(report).indexOf(r)) })),
  });
  const each = rows.map((r) =>
    histogramChart({
      title: `${r.name}: wait and hold at ${w} workers`,
      rangeMs: range,
      frame: HALF,
      series: [
        { name: 'wait', buckets: pointOf(r, w)!.waitBuckets, color: '#0072B2' },
        { name: 'hold', buckets: pointOf(r, w)!.holdBuckets, color: '#E69F00' },
      ],
    }),
  );
  return `<div class="charts">${allWaits}</div><div class="charts small">${each.join('\n')}</div>`;
}

function singleOpPart(report: BenchReport): string {
  const done = report.singleOp.filter((r) => r.state === 'completed');
  if (report.singleOp.length === 0) return '<p class="na">Not measured in this run.</p>';
  const chart = barChart({
    title: 'Uncontended latency of each core operation',
    yLabel: 'ms',
    categories: done.map((r) => r.name.replace(' (not durable)', ' (no fsync)')),
    series: [
      { name: 'p50', values: done.map((r) => r.p50Ms) },
      { name: 'p99', values: done.map((r) => r.p99Ms) },
    ],
    frame: { width: 1000, height: 340, left: 70, right: 110, top: 40, bottom: 52 },
  });
  const rows = report.singleOp.map((r) =>
    r.state === 'errored' ? [r.name, '—', '—', '—', '—', '0', `errored: ${r.error ?? ''}`] : [r.name, ms(r.p50Ms), ms(r.p99Ms), ms(r.meanMs), ops(r.opsPerSecond), String(r.samples), r.describe],
  );
  const cols = [
    { head: 'operation' },
    { head: 'p50', num: true },
    { head: 'p99', num: true },
    { head: 'mean', num: true },
    { head: 'ops/s', num: true },
    { head: 'samples', num: true },
    { head: 'what' },
  ];
  return `<div class="charts">${chart}</div>${table(cols, rows)}`;
}

function peersTable(report: BenchReport): string {
  const w = report.config.referenceWorkers;
  const cols = [
    { head: 'implementation' },
    { head: 'ops/s (rounds min–max)', num: true },
    { head: 'wait p50 / p99 / max (ms)', num: true },
    { head: 'hold p50 / p99 / max (ms)', num: true },
    { head: 'lock busy', num: true },
    { head: 'hand-off (ms)', num: true },
    { head: 'Jain', num: true },
    { head: 'p99 wait / fair share', num: true },
    { head: 'errors' },
  ];
  return table(
    cols,
    report.contention.map((r) => {
      const p = pointOf(r, w);
      if (r.skipped !== null) return [r.name, '—', '—', '—', '—', '—', '—', '—', `skipped: ${r.skipped}`];
      if (p === undefined) return [r.name, '—', '—', '—', '—', '—', '—', '—', `no ${w}-worker point`];
      return [
        r.name,
        throughputCell(p),
        triple(p.wait),
        triple(p.hold),
        busy(p.lockBusy),
        handoff(p.handoffMs),
        p.jain.toFixed(2),
        formatRatio(p.p99WaitOverFairShare),
        p.errors === 0 ? '0' : `${p.errors}: ${p.errorSamples.join('; ')}`,
      ];
    }),
  );
}

function pointsTable(report: BenchReport): string {
  const cols = POINT_COLUMNS.map((head, i) => ({ head, num: i > 0 && i < 13 }));
  return table(
    cols,
    measured(report).flatMap((r) =>
      r.points.map((p) => [
        r.name,
        String(p.workers),
        String(p.ops),
        String(p.errors),
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
    ),
    'compact',
  );
}

function machineTable(report: BenchReport): string {
  const m = report.machine;
  const load = (l: readonly number[]) => l.map((v) => v.toFixed(2)).join(' ');
  return table(
    [{ head: '' }, { head: '' }],
    [
      ['CPUs (nproc)', String(m.nproc)],
      ['CPU model', m.cpuModel],
      ['memory', `${m.memoryGiB} GiB`],
      ['temp dir', `${m.tmpdir}: ${m.tmpdirFilesystem}`],
      ['runtime', m.runtime],
      ['kernel', `${m.kernel} (${m.platform})`],
      ['load average (1 5 15 min)', `${load(m.loadAverage.start)} at start, ${load(m.loadAverage.end)} at end`],
    ],
  );
}

/** One titled part of the page; the id lets a reader (or the browser check) jump to it. */
function section(id: string, heading: string, body: string): string {
  return `<section id="${id}">\n<h2>${esc(heading)}</h2>\n${body}\n</section>`;
}

function overheadNote(report: BenchReport): string {
  const o = report.overhead;
  if (o === null) return '';
  return `<p>Harness overhead: <code>racetrack run allocate</code> (${o.iterations} iterations × ${o.workers} threads) took ${esc(formatDuration(o.harnessMs))}; a bare loop of ${o.workers} threads doing the same allocations took ${esc(formatDuration(o.bareMs))}. Both are timed from starting their threads to their end.</p>`;
}

function ceilingNote(report: BenchReport): string {
  return [ceilingLine(report), pathLockBoundLine(report)]
    .filter((line) => line !== null)
    .map((line) => `<p>${esc(line)}</p>`)
    .join('');
}

/** The whole bench.html. */
export function renderBenchHtml(report: BenchReport): string {
  const c = report.config;
  const title = `racetrack bench: ${c.op} under contention (${c.isolation === 'process' ? 'child processes' : 'worker threads'}${c.quick ? ', quick' : ''})`;
  const rowsList = report.contention.map((r) => `<li><b>${esc(r.name)}</b>: ${esc(r.describe)}${r.skipped === null ? '' : ` <span class="na">(skipped: ${esc(r.skipped)})</span>`}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="sub">Measured ${esc(report.measuredAt)} in ${esc(formatDuration(report.wallMs))} on ${report.machine.nproc} CPUs (${esc(report.machine.cpuModel)}), ${esc(report.machine.runtime)}; ${c.durable ? 'durable writes (fsync)' : 'writes without fsync'}, ${c.rounds} round(s) of ${c.durationMs} ms per point, each point's median round reported. Ratios are reported, never asserted.</p>${storeLine(report) === null ? '' : `\n<p class="sub">${esc(storeLine(report)!)}</p>`}
${section('targets', 'Targets', `${ratiosTable(report)}${ceilingNote(report)}`)}
${section('sweep', 'Contention sweep', sweepCharts(report))}
${section('peers', `The peers side by side at ${c.referenceWorkers} workers`, `${peersCharts(report)}${peersTable(report)}<p>Lock busy: the share of the window a holder was inside (ops × mean hold / elapsed). Hand-off: the mean idle time per operation between one release and the next acquire.</p>`)}
${section('histograms', `Latency histograms at ${c.referenceWorkers} workers`, histogramCharts(report))}
${section('single-op', 'Uncontended latency (tinybench)', singleOpPart(report))}
${section('rows', 'What each row is', `<ul class="rows">${rowsList}</ul>${overheadNote(report)}`)}
${section('points', 'Every point', `<p>Latencies are p50 / p99 / max from HDR histograms. Wait: acquire start → acquired. Hold: acquired → release start. Op: the whole operation.</p>${pointsTable(report)}`)}
${section('machine', 'Machine', machineTable(report))}
${section('regenerate', 'Regenerate', `<pre>${esc(c.command)}</pre>`)}
</body>
</html>
`;
}
