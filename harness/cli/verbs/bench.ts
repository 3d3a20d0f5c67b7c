import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RacetrackError } from '../../../core/errors.ts';
import { renderBenchHtml } from '../../../reports/bench-html.ts';
import { ceilingLine, pathLockBoundLine, RATIO_ORDER, ratioValueText, renderBenchMarkdown, roundsCell, verdictOf } from '../../../reports/bench-markdown.ts';
import { implNames, STORE_OPS, storeImplNames } from '../../bench/bench-impls.ts';
import { requirePostgresBin } from '../../store/pg-cluster.ts';
import { checkStoreUrl, redactUrl } from '../../../core/store/store-url.ts';
import { BENCH_OPS, type BenchConfig, type BenchOpName, type BenchReport } from '../../bench/bench-types.ts';
import { runBenchPlan, type BenchPlan } from '../../bench/run-bench.ts';
import { success, type CommandResult } from '../command-result.ts';
import { ISOLATION } from '../options.ts';
import { defineVerb, type RawInput, type VerbInput } from '../verb.ts';
import { parseChoice, parsePositiveInteger } from './raw-options.ts';
import { makeDirs } from '../../engine/make-dirs.ts';

/** DESIGN.md compares implementations at 10 workers. */
const REFERENCE_WORKERS = 10;
const FULL = { workers: [1, 2, 4, 8, 10, 16], durationMs: 1000, rounds: 3, singleOp: { timeMs: 1000, warmupMs: 100 }, overheadIterations: 10_000 };
const QUICK = { workers: [1, 4, 10], durationMs: 300, rounds: 2, singleOp: { timeMs: 150, warmupMs: 30 }, overheadIterations: 1000 };
const DEFAULT_OP: BenchOpName = 'reserve';

const options = {
  quick: {
    flags: '--quick',
    kind: 'flag',
    description: `workers ${QUICK.workers.join(',')}, ${QUICK.rounds} rounds of ${QUICK.durationMs} ms per point, short single-op runs, the harness overhead at ${QUICK.overheadIterations} iterations (context: its target is set at ${FULL.overheadIterations})`,
  },
  out: { flags: '--out <dir>', description: 'where to write bench.json, bench.md and bench.html', defaultText: 'racetrack-bench/<time>' },
  isolation: { ...ISOLATION, description: 'contention workers as threads or child processes (the flock(1) row needs process)' },
  op: { flags: '--op <op>', description: 'the contended operation (lock: the lock alone, the kernel flock(2) beside it)', choices: BENCH_OPS, default: DEFAULT_OP },
  workers: {
    flags: '--workers <list>',
    description: 'worker counts of the sweep, comma-separated; the ratios need 1 and 10',
    defaultText: `${FULL.workers.join(',')}; with --quick ${QUICK.workers.join(',')}`,
  },
  duration: { flags: '--duration <ms>', description: 'how long each round of each (implementation, workers) point runs', defaultText: `${FULL.durationMs}; with --quick ${QUICK.durationMs}` },
  rounds: { flags: '--rounds <n>', description: "repeat the sweep, rows taking turns, and report each point's median round", defaultText: `${FULL.rounds}; with --quick ${QUICK.rounds}` },
  impls: { flags: '--impls <names>', description: `the rows to run, comma-separated: ${implNames().join(', ')}`, defaultText: 'every row that applies' },
  store: {
    flags: '--store <store>',
    description: `also run the PostgreSQL store's ${STORE_OPS.join(' and ')} (row postgres): postgres (a throwaway cluster, fsync on unless --no-durable) or a postgres:// URL`,
  },
  durable: { flags: '--no-durable', kind: 'flag', description: 'skip the fsyncs in every row (durable writes everywhere otherwise)' },
  singleOp: { flags: '--no-single-op', kind: 'flag', description: 'skip the uncontended single-operation latencies' },
  overhead: { flags: '--no-overhead', kind: 'flag', description: 'skip the harness-overhead measurement' },
  overheadIterations: {
    flags: '--overhead-iterations <n>',
    description: 'iterations of the allocate scenario in the harness throughput measurement (harnessThroughput is judged at 10000 or more)',
    defaultText: `${FULL.overheadIterations}; with --quick ${QUICK.overheadIterations}`,
  },
  overheadWorkers: { flags: '--overhead-workers <n>', description: 'threads in the overhead measurement', default: '10' },
} as const;

/** What `racetrack bench` takes. */
export type BenchInput = VerbInput<typeof options, []>;
/** Bench options as a library caller or a test may give them: any subset, as strings. */
export type BenchCommandOptions = RawInput<BenchInput>;

function parseWorkerList(value: string | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  const list = value
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '')
    .map((w) => parsePositiveInteger('--workers', w, 0));
  if (list.length === 0 || list.some((w) => w > 256)) throw new RacetrackError('EINVALID', '--workers must list worker counts from 1 to 256, e.g. 1,2,4,8,10,16', { workers: value });
  return [...new Set(list)].sort((a, b) => a - b);
}

function parseImpls(value: string | undefined, withStore: boolean): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const known = implNames();
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) throw new RacetrackError('EINVALID', `--impls takes names from: ${known.join(', ')}`, { impls: value, unknown });
  const stores = names.filter((n) => storeImplNames().includes(n));
  if (!withStore && stores.length > 0) throw new RacetrackError('EINVALID', `${stores.join(', ')} runs on PostgreSQL: add --store postgres (or --store URL)`, { impls: value });
  return names;
}

/** `--store` checked before anything runs: `postgres` needs PostgreSQL installed (EINVALID with the install hint), a URL must be postgres://. */
function parseStore(value: string | undefined, op: BenchOpName): string | undefined {
  if (value === undefined) return undefined;
  if (!(STORE_OPS as readonly string[]).includes(op)) throw new RacetrackError('EINVALID', `--store benchmarks the store's ${STORE_OPS.join(' and ')}, not --op ${op}`, { op, store: value });
  if (value === 'postgres') requirePostgresBin();
  else checkStoreUrl(value);
  return value;
}

/** The directory a bench writes to when --out is not given: racetrack-bench/<time>. */
export function defaultBenchOut(now = new Date()): string {
  return resolve(
    'racetrack-bench',
    now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z'),
  );
}

/** The command line that reproduces `o`, for the reports. */
function commandLine(o: BenchCommandOptions): string {
  const parts = ['racetrack bench'];
  if (o.quick) parts.push('--quick');
  if (o.op !== undefined && o.op !== DEFAULT_OP) parts.push(`--op ${o.op}`);
  if (o.isolation !== undefined && o.isolation !== 'thread') parts.push(`--isolation ${o.isolation}`);
  if (o.workers !== undefined) parts.push(`--workers ${o.workers}`);
  if (o.duration !== undefined) parts.push(`--duration ${o.duration}`);
  if (o.rounds !== undefined) parts.push(`--rounds ${o.rounds}`);
  if (o.impls !== undefined) parts.push(`--impls ${o.impls}`);
  if (o.store !== undefined) parts.push(`--store ${redactUrl(o.store)}`);
  if (o.durable === false) parts.push('--no-durable');
  if (o.overhead === false) parts.push('--no-overhead');
  if (o.singleOp === false) parts.push('--no-single-op');
  if (o.overheadIterations !== undefined) parts.push(`--overhead-iterations ${o.overheadIterations}`);
  if (o.overheadWorkers !== undefined && o.overheadWorkers !== options.overheadWorkers.default) parts.push(`--overhead-workers ${o.overheadWorkers}`);
  return parts.join(' ');
}

/** Turns the command-line options into what to measure; EINVALID on bad input, before anything runs. */
export function benchPlanFrom(o: BenchCommandOptions): BenchPlan {
  const preset = o.quick ? QUICK : FULL;
  const op = parseChoice<BenchOpName>('--op', o.op, BENCH_OPS, DEFAULT_OP);
  const isolation = parseChoice('--isolation', o.isolation, ['thread', 'process'] as const, 'thread');
  const store = parseStore(o.store, op);
  const config: BenchConfig = {
    op,
    isolation,
    workers: parseWorkerList(o.workers, preset.workers),
    durationMs: parsePositiveInteger('--duration', o.duration, preset.durationMs),
    rounds: parsePositiveInteger('--rounds', o.rounds, preset.rounds),
    durable: o.durable !== false,
    quick: o.quick === true,
    referenceWorkers: REFERENCE_WORKERS,
    command: commandLine(o),
    ...(store === undefined ? {} : { store: redactUrl(store) }),
  };
  const overheadWorkers = parsePositiveInteger('--overhead-workers', o.overheadWorkers, 10);
  if (overheadWorkers > 256) throw new RacetrackError('EINVALID', '--overhead-workers must be an integer from 1 to 256', { overheadWorkers });
  return {
    config,
    impls: parseImpls(o.impls, store !== undefined),
    ...(store === undefined ? {} : { store }),
    singleOp: o.singleOp === false ? null : preset.singleOp,
    overhead: o.overhead === false ? null : { iterations: parsePositiveInteger('--overhead-iterations', o.overheadIterations, preset.overheadIterations), workers: overheadWorkers },
  };
}

/** Writes bench.json, bench.md and bench.html into `dir`; returns their paths. */
export function writeBenchFiles(dir: string, report: BenchReport): { json: string; markdown: string; html: string } {
  makeDirs(dir, '--out');
  const files = { json: join(dir, 'bench.json'), markdown: join(dir, 'bench.md'), html: join(dir, 'bench.html') };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.markdown, renderBenchMarkdown(report));
  writeFileSync(files.html, renderBenchHtml(report));
  return files;
}

/**
 * `racetrack bench`: single-op latencies, the contention sweep with its peers, and the harness
 * overhead, all in one run on this machine; the ratios printed beside DESIGN.md's targets. It
 * reports, it never asserts: the exit code is 0 whether or not a target is met.
 */
export async function runBench(o: BenchCommandOptions, stderr: (s: string) => void): Promise<CommandResult> {
  const plan = benchPlanFrom(o);
  const dir = o.out === undefined ? defaultBenchOut() : resolve(o.out);
  const report = await runBenchPlan(plan, stderr);
  const files = writeBenchFiles(dir, report);
  stderr('racetrack bench: ratios (reported, not asserted)\n');
  for (const name of RATIO_ORDER) {
    const r = report.ratios[name];
    const rounds = roundsCell(r);
    stderr(`  ${name}: ${ratioValueText(r)} (target ${r.target}) ${verdictOf(r)}${rounds === '—' ? '' : `; each round ${rounds}`}\n`);
  }
  for (const line of [ceilingLine(report), pathLockBoundLine(report)]) if (line !== null) stderr(`  ${line}\n`);
  stderr(`racetrack bench: wrote ${files.json}, ${files.markdown}, ${files.html} (${Math.round(report.wallMs / 1000)} s)\n`);
  const w = report.config.referenceWorkers;
  const throughputAtReference = Object.fromEntries(
    report.contention.flatMap((r) => {
      const p = r.points.find((q) => q.workers === w);
      return p === undefined ? [] : [[r.name, Math.round(p.throughput)]];
    }),
  );
  return success({ outDir: dir, files, wallMs: report.wallMs, ratios: report.ratios, throughputAtReference, runtime: report.machine.runtime });
}

/** `racetrack bench`. */
export const benchVerb = defineVerb({
  name: 'bench',
  summary:
    "benchmark the core under contention beside its peers (proper-lockfile, the ID-reservation spec's spin lock, flock(1), and with --op lock the kernel's flock(2)); ratios printed beside racetrack's performance targets, never asserted",
  arguments: [],
  options,
  details: [
    'Measures, in one run on this machine: the latency of each uncontended core operation; a contention',
    'sweep with throughput, lock wait and hold p50/p99/max and fairness; the peers on the same operation',
    'at the same contention; the harness overhead; with --op lock, the fastest any lock taken by creating',
    'a file name could go on this machine (the bound of the lock-alone ratios). Writes bench.json,',
    'bench.md and bench.html (charts, opens offline).',
  ].join('\n'),
  examples: [
    { command: 'racetrack bench --quick' },
    { command: 'racetrack bench --store postgres --op claim --impls core,postgres --workers 1,2,4,8,16' },
    { command: 'racetrack bench --isolation process --out bench' },
    { command: 'racetrack bench --op claim --impls core,spec-spin' },
  ],
  exitCodes: [
    { code: '0', meaning: 'measured, whether or not a target is met' },
    { code: '2', meaning: 'bad input or an error' },
  ],
  run: (input, ctx) => runBench(input, ctx.stderr),
});
