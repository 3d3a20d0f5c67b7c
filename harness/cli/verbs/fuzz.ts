import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { RacetrackError } from '../../../core/errors.ts';
import type { CommandResult } from '../command-result.ts';
import { readCaseFile, writeCaseFile } from '../../fuzz/case-file-io.ts';
import { inCaseDirectory } from '../../fuzz/exec/case-directory.ts';
import type { FuzzCase } from '../../fuzz/fuzz-case-file.ts';
import type { FuzzFailure, FuzzReport } from '../../fuzz/run-fuzz.ts';
import { formatDuration, formatPerSecond } from '../../../reports/number-format.ts';
import { defineVerb, type RawInput, type VerbInput } from '../verb.ts';
import { parseChoice, parseInteger, parsePositiveInteger } from './raw-options.ts';

// The fuzz engine is loaded on use: it needs fast-check, which the other verbs do not.
const engine = () => import('../../fuzz/run-fuzz.ts');

const RUNS = 100;
/** Generated cases with --exec: each runs the user's command once per crash point, a process each time. */
const EXEC_RUNS = 10;
/** How long one command of an --exec case may take (a next caller waiting out a dead holder's lock must fit). */
const EXEC_TIMEOUT_MS = 30_000;
/** The engine's own default (DEFAULT_MAX_STATES), for the help only: a test checks that they agree. */
const MAX_STATES_HELP = '4096';

const options = {
  // Defaults in words only: --replay refuses every option given beside it, so none may be filled in.
  runs: { flags: '--runs <n>', description: 'generated cases, each checked at every crash point or power-loss state', defaultText: `${RUNS}; ${EXEC_RUNS} with --exec` },
  seed: { flags: '--seed <n>', description: 'seed for fast-check (printed, so a search replays)', defaultText: 'random' },
  sut: { flags: '--sut <name>', description: 'the system under test: core or a known-broken control (racetrack list --suts)', defaultText: 'core' },
  out: { flags: '--out <dir>', description: 'where a failing case is written, as case.json', defaultText: 'racetrack-runs/fuzz-<primitive>-<sut>-<time>-<pid>' },
  replay: { flags: '--replay <file>', description: 're-run exactly the case in this case.json (no other option with it)' },
  powerLoss: { flags: '--power-loss', kind: 'flag', description: 'cut the power instead of crashing the process: the simulated disk forgets what was never fsynced' },
  disk: {
    flags: '--disk <kind>',
    description: 'where crash cases run: real temp directories or the simulated disk (power loss, stale-lock and stalled-* always run on the simulated one)',
    choices: ['real', 'sim'],
    defaultText: 'real',
  },
  maxStates: { flags: '--max-states <n>', description: 'power loss: crash states explored per instant before sampling; with --exec, crash points per case', defaultText: MAX_STATES_HELP },
  exec: {
    flags: '--exec <template>',
    description:
      "fuzz your own command instead (write, reserve, update-json, allocate, claim; the placeholders of racetrack run's scenario): each case runs under strace, then again killed, every process of it, right after each call that changes a file",
  },
  setup: { flags: '--setup <template>', description: "with --exec: your command that lays out your own initial state in each case root; placeholders {root} {staleMs} and the primitive's file" },
  recover: {
    flags: '--recover <template>',
    description: 'with --exec: your recovery, run after every crash before the checks (without it, what a crash left is judged by what your next operation does with it)',
  },
  keep: { flags: '--keep <glob>', kind: 'list', description: 'with --exec and --recover: a file your command keeps on purpose (e.g. its flock file), not an orphan; repeatable' },
} as const;

const args = [
  {
    name: 'primitive',
    description:
      'write, reserve, lock, update-json, allocate, claim; stale-lock (breakers racing on a stale lock); stalled-reserve, stalled-claim, stalled-update-json (a holder stalled past its lease wakes after a break and dies in its write)',
  },
] as const;

/** What `racetrack fuzz` takes. */
export type FuzzInput = VerbInput<typeof options, typeof args>;
/** `racetrack fuzz` options as a library caller or a test may give them: any subset, as strings. */
export type FuzzCommandOptions = Omit<RawInput<FuzzInput>, 'primitive'>;

/** The JSON `racetrack fuzz` prints on stdout. */
export interface FuzzOutput {
  readonly verdict: 'pass' | 'fail';
  readonly primitive: string;
  readonly sut: string;
  readonly mode: FuzzReport['mode'];
  readonly powerLoss: boolean;
  readonly disk: FuzzReport['disk'];
  readonly seed: number;
  readonly runs: number;
  readonly shrinks: number;
  readonly crashStates: number;
  readonly crashStatesPerSecond: number;
  readonly duplicateStates: number;
  readonly sampledInstants: number;
  /** --exec: crash points a crash run never reached (the command took another path that time). */
  readonly crashPointsMissed: number;
  /** --exec: the command fuzzed, or null. */
  readonly exec: string | null;
  readonly wallMs: number;
  readonly failures: 0 | 1;
  /** The shrunk case: operations, crash point, fs calls up to it, the state found, the invariants broken. */
  readonly failure: Omit<FuzzFailure, 'case'> | null;
  readonly case: FuzzCase | null;
  /** The replay file written (or, for --replay, read), or null. */
  readonly replay: string | null;
  readonly replayCommand: string | null;
  readonly model: string;
}

function parseSeed(value: string | undefined): number {
  return value === undefined ? Math.floor(Math.random() * 2 ** 31) : parseInteger('--seed', value, 0, { min: 0, max: 2 ** 31 - 1 });
}

/** racetrack-runs/fuzz-<primitive>-<sut>-<time>-<pid> */
function defaultOutDir(primitive: string, sut: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return resolve('racetrack-runs', `fuzz-${primitive}-${sut}-${stamp}-${process.pid}`);
}

/** A shell word for `path` (quoted only when it needs to be). */
function shellWord(path: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The human account of a failure, for stderr. */
export function formatFailure(report: { primitive: string; sut: string }, f: FuzzFailure, replayCommand: string | null): string {
  const lines = [
    `racetrack fuzz ${report.primitive} (sut ${report.sut}): FAIL`,
    ...f.violations.map((v) => `  invariant broken: ${v.invariant}: ${v.message}`),
    '  operations:',
    ...f.ops.map((o) => `    ${o}`),
    `  crash: ${f.crash}`,
    `  fs calls up to the crash:`,
    ...(f.calls.length === 0 ? ['    (none)'] : f.calls.map((c) => `    ${c}`)),
  ];
  if (f.kept !== undefined) lines.push('  pending changes that survived the power loss:', ...(f.kept.length === 0 ? ['    (none)'] : f.kept.map((k) => `    ${k}`)));
  if (f.lost !== undefined) lines.push('  pending changes lost:', ...(f.lost.length === 0 ? ['    (none)'] : f.lost.map((k) => `    ${k}`)));
  lines.push('  state found after the crash:', ...(f.found.length === 0 ? ['    (empty)'] : f.found.map((e) => `    ${e}`)));
  lines.push('  after recovery:', ...(f.recovered.length === 0 ? ['    (empty)'] : f.recovered.map((e) => `    ${e}`)));
  if (replayCommand !== null) lines.push(`  replay: ${replayCommand}`);
  return `${lines.join('\n')}\n`;
}

function output(report: FuzzReport, replay: string | null): FuzzOutput {
  const { failure } = report;
  const { case: c, ...details } = failure ?? { case: null };
  return {
    verdict: report.verdict,
    primitive: report.primitive,
    sut: report.sut,
    mode: report.mode,
    powerLoss: report.mode === 'power-loss',
    disk: report.disk,
    seed: report.seed,
    runs: report.runs,
    shrinks: report.shrinks,
    crashStates: report.crashStates,
    crashStatesPerSecond: report.crashStatesPerSecond,
    duplicateStates: report.duplicateStates,
    sampledInstants: report.sampledInstants,
    crashPointsMissed: report.crashPointsMissed,
    exec: report.failure?.case.exec?.command ?? report.exec ?? null,
    wallMs: report.wallMs,
    failures: failure === null ? 0 : 1,
    failure: failure === null ? null : (details as Omit<FuzzFailure, 'case'>),
    case: c,
    replay,
    replayCommand: replay === null ? null : `racetrack fuzz --replay ${shellWord(replay)}`,
    model: report.model,
  };
}

async function replayCommand(primitive: string | undefined, o: FuzzCommandOptions, stderr: (s: string) => void): Promise<CommandResult> {
  const given: Record<string, unknown> = {
    '--runs': o.runs,
    '--seed': o.seed,
    '--sut': o.sut,
    '--out': o.out,
    '--disk': o.disk,
    '--max-states': o.maxStates,
    '--power-loss': o.powerLoss || undefined,
    '--exec': o.exec,
    '--setup': o.setup,
    '--recover': o.recover,
    '--keep': o.keep !== undefined && o.keep.length > 0 ? o.keep : undefined,
  };
  const conflicting = Object.keys(given).filter((k) => given[k] !== undefined);
  if (conflicting.length > 0) {
    throw new RacetrackError('EINVALID', `--replay re-runs the case exactly as recorded; drop ${conflicting.join(', ')}`, { options: conflicting });
  }
  const path = resolve(o.replay!);
  const c = readCaseFile(path);
  const { modelOf, resolveFuzz, runFuzzCase } = await engine();
  if (primitive !== undefined && primitive !== c.primitive) {
    throw new RacetrackError('EINVALID', `the replay file holds a ${c.primitive} case, not ${primitive}`, { primitive, recorded: c.primitive });
  }
  const started = performance.now();
  // The commands are checked and run in the directory they ran in when the case was recorded.
  const failure = await inCaseDirectory(
    c,
    path,
    () => {
      try {
        resolveFuzz(c.primitive, c.sut, c.mode === 'power-loss', c.mode === 'race' || c.exec !== undefined ? undefined : c.disk, c.exec);
      } catch (err) {
        if (err instanceof RacetrackError && err.code === 'EINVALID') throw new RacetrackError('ECORRUPT', `replay file ${path}: ${err.message}`, { path });
        throw err;
      }
      return runFuzzCase(c);
    },
    stderr,
  );
  const wallMs = performance.now() - started;
  const report: FuzzReport = {
    verdict: failure === null ? 'pass' : 'fail',
    primitive: c.primitive,
    sut: c.sut,
    mode: c.mode,
    disk: c.disk,
    seed: c.seed,
    runs: 1,
    shrinks: 0,
    crashStates: 1,
    duplicateStates: 0,
    sampledInstants: 0,
    crashPointsMissed: 0,
    wallMs: Math.round(wallMs),
    crashStatesPerSecond: Math.round(1000 / Math.max(wallMs, 1e-3)),
    model: modelOf(c.mode, c.disk, c.exec !== undefined),
    failure: failure === null ? null : { ...failure, case: c },
  };
  const out = output(report, path);
  if (failure === null) stderr(`racetrack fuzz: the case in ${path} passes now\n`);
  else stderr(formatFailure(report, failure, out.replayCommand));
  return { exitCode: failure === null ? 0 : 1, output: out };
}

/**
 * `racetrack fuzz <primitive>`: exit 0 when every run passed; 1 with the shrunk case printed, on
 * stdout as JSON and on stderr for people, and written to a replay file; 2 on bad input (nothing
 * written). `--replay FILE` re-runs exactly that case: exit 1 if it still fails, 0 if it passes.
 */
export async function runFuzzCommand(primitive: string | undefined, o: FuzzCommandOptions, stderr: (s: string) => void, isTty: boolean): Promise<CommandResult> {
  if (o.replay !== undefined) return replayCommand(primitive, o, stderr);
  const { FUZZ_PRIMITIVES, resolveFuzz, runFuzz } = await engine();
  if (primitive === undefined) throw new RacetrackError('EINVALID', `name a primitive to fuzz (${FUZZ_PRIMITIVES.join(', ')}) or give --replay FILE`);
  const runs = parsePositiveInteger('--runs', o.runs, o.exec === undefined ? RUNS : EXEC_RUNS);
  const seed = parseSeed(o.seed);
  const maxStates = o.maxStates === undefined ? undefined : parsePositiveInteger('--max-states', o.maxStates, 0);
  const disk = o.disk === undefined ? undefined : parseChoice('--disk', o.disk, ['real', 'sim'] as const, 'real');
  if (o.exec !== undefined && o.sut !== undefined) throw new RacetrackError('EINVALID', "--exec fuzzes your command; --sut names one of racetrack's: give one of them", { sut: o.sut });
  for (const [flag, value] of [
    ['--setup', o.setup],
    ['--recover', o.recover],
  ] as const) {
    if (value !== undefined && o.exec === undefined)
      throw new RacetrackError('EINVALID', `${flag} goes with --exec: it is your own implementation's ${flag === '--setup' ? 'initial state' : 'recovery'}`, { [flag.slice(2)]: value });
  }
  if (o.keep !== undefined && o.keep.length > 0 && o.recover === undefined) {
    throw new RacetrackError('EINVALID', '--keep goes with --exec and --recover: without a recovery, what a crash left is judged by your next operation, not as orphans', { keep: o.keep });
  }
  const exec =
    o.exec === undefined
      ? undefined
      : {
          command: o.exec,
          ...(o.setup === undefined ? {} : { setup: o.setup }),
          ...(o.recover === undefined ? {} : { recover: o.recover }),
          // Where the commands run (racetrack's working directory, as for run --exec), for a replay to run them there.
          cwd: process.cwd(),
          keep: [...(o.keep ?? [])],
          timeoutMs: EXEC_TIMEOUT_MS,
        };
  const sutName = exec === undefined ? (o.sut ?? 'core') : 'exec';
  const powerLoss = o.powerLoss === true;
  resolveFuzz(primitive, sutName, powerLoss, disk, exec);
  const outDir = o.out === undefined ? defaultOutDir(primitive, sutName) : resolve(o.out);
  const casePath = join(outDir, 'case.json');
  if (existsSync(casePath)) throw new RacetrackError('EINVALID', `--out ${outDir} already holds a case.json; give a new directory`, { out: outDir });

  const interval = isTty ? 100 : 5000;
  let last = 0;
  const line = (p: { cases: number; crashStates: number; elapsedMs: number }) => `racetrack fuzz ${primitive}: ${p.cases} cases, ${p.crashStates} crash states, ${(p.elapsedMs / 1000).toFixed(1)}s`;
  const report = await runFuzz({
    primitive,
    sut: sutName,
    runs,
    seed,
    powerLoss,
    ...(disk === undefined ? {} : { disk }),
    ...(maxStates === undefined ? {} : { maxStates }),
    ...(exec === undefined ? {} : { exec }),
    onProgress(p) {
      if (p.elapsedMs - last < interval) return;
      last = p.elapsedMs;
      stderr(isTty ? `\r\x1b[2K${line(p)}` : `${line(p)}\n`);
    },
  });
  if (isTty) stderr('\r\x1b[2K');
  let replay: string | null = null;
  if (report.failure !== null) {
    writeCaseFile(casePath, report.failure);
    replay = casePath;
  }
  const out = output(report, replay);
  stderr(
    `racetrack fuzz ${primitive} (sut ${report.sut}, ${report.mode}${report.mode === 'crash' ? `, ${report.disk} disk` : ''}): ${report.verdict.toUpperCase()} after ${report.runs} runs, ${report.crashStates} crash states in ${formatDuration(report.wallMs)} (${formatPerSecond(report.crashStatesPerSecond)}), seed ${seed}\n`,
  );
  if (report.failure !== null) stderr(formatFailure(report, report.failure, out.replayCommand));
  return { exitCode: report.verdict === 'pass' ? 0 : 1, output: out };
}

/** `racetrack fuzz`. */
export const fuzzVerb = defineVerb({
  name: 'fuzz',
  summary: 'crash a primitive at every fs call (or cut the power), recover, check; shrink a failure to a minimal, replayable case',
  arguments: args,
  options,
  details: [
    'Each generated case runs on a fresh root through a file-system layer that stops the world just',
    'before every fs call the primitive makes, and in the middle of every write; then recovery runs and',
    'the invariants are checked: the target is exactly the old or a new complete version, no ID is handed',
    'out twice, files parse, nothing is left behind, a stale lock is broken at once. A failure is shrunk,',
    'printed with the fs calls up to the crash, and written to case.json with its replay command.',
  ].join('\n'),
  examples: [
    { command: 'racetrack fuzz write' },
    { command: 'racetrack fuzz write --sut write-in-place' },
    { command: 'racetrack fuzz write --power-loss --sut rename-no-fsync' },
    { command: 'racetrack fuzz stale-lock --sut stale-break-naive --runs 200' },
    { command: 'racetrack fuzz --replay racetrack-runs/fuzz-write-write-in-place-…/case.json' },
  ],
  exitCodes: [
    { code: '0', meaning: 'every run passed (with --replay: the case passes now)' },
    { code: '1', meaning: 'a failure: shrunk, printed, written to case.json' },
    { code: '2', meaning: 'bad input (an unknown primitive or control, a missing or corrupt replay file); nothing written' },
  ],
  run: (input, ctx) => runFuzzCommand(input.primitive, input, ctx.stderr, ctx.stderrIsTty),
});
