import { existsSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { badOption, isRacetrackError, RacetrackError } from '../../../core/errors.ts';
import { parseInteger, parseNumber } from './raw-options.ts';
import { EXEC_PLACEHOLDERS } from '../../../scenarios/suts/exec/exec-sut.ts';
import { detectRuntime } from '../../../core/runtime.ts';
import { SCENARIOS, scenarioByName } from '../../../scenarios/workloads/index.ts';
import { resolveSut } from '../../../scenarios/suts/index.ts';
import { checkRunStore } from '../../store/run-store.ts';
import { checkHosts } from '../../engine/hosts.ts';
import { checkNetPartition } from '../../store/netns.ts';
import { checkPartition } from '../../store/partition-run.ts';
import type { CommandResult } from '../command-result.ts';
import { ISOLATION } from '../options.ts';
import { defineVerb, type VerbContext, type VerbInput } from '../verb.ts';
import { scenarioLines } from './list.ts';
import { trapInterrupts } from '../../engine/interrupts.ts';
import { makeDirs } from '../../engine/make-dirs.ts';
import { checkOutDir, removeRun } from '../../engine/out-dir.ts';
import { createProgress } from '../progress.ts';
import { checkRunNumbers, runScenario, type ProgressState } from '../../engine/run.ts';
import { DEFAULT_STALE_MS, type RunRequest } from '../../engine/run-request.ts';
import type { FaultTally, RunResult } from '../../engine/run-result.ts';
import { faultText } from '../../../reports/fault-text.ts';
import type { CheckResult } from '../../checkers/checker.ts';
import { failsOnCollisionsAlone } from '../../checkers/collisions.ts';
import { formatDuration, formatPercent } from '../../../reports/number-format.ts';
import { writeRunFiles } from '../../engine/run-files.ts';
import { stateCommands } from '../../engine/state-commands.ts';
import { execRunnerFor, hasSyscallFaults } from '../../strace/traced-exec.ts';
import { checkFaultOptions, type SyscallFaultOptions } from '../../strace/faults.ts';

const options = {
  iterations: { flags: '--iterations <n>', description: 'iterations, each on a fresh root', default: '100' },
  workers: { flags: '--workers <n>', description: 'workers released together by a start barrier in each iteration', default: '10' },
  isolation: ISOLATION,
  seed: { flags: '--seed <n>', description: 'seed for every random choice (printed, so a run can be replayed)', defaultText: 'random' },
  out: {
    flags: '--out <dir>',
    description: 'where to write result.json, history.jsonl and summary.md; a directory that holds a run is refused unless --force',
    defaultText: 'racetrack-runs/<scenario>-<time>-<pid>',
  },
  force: { flags: '--force', kind: 'flag', description: 'replace the run --out already holds (only the files a run writes there)' },
  maxCollisionRate: { flags: '--max-collision-rate <r>', description: 'tolerate collisions in up to this share of iterations', default: '0' },
  junit: { flags: '--junit <file>', description: 'also write JUnit XML, one testcase per checker' },
  sut: { flags: '--sut <name>', description: 'the system under test: core or a known-broken control (racetrack list --suts)', default: 'core' },
  exec: {
    flags: '--exec <template>',
    description: `run your own command per operation, e.g. "./alloc.sh {root} {name}"; placeholders by scenario: ${execPlaceholderText()}; {staleMs} everywhere`,
  },
  setup: {
    flags: '--setup <template>',
    description: "with --exec: your command that lays out your own initial state in each iteration root, after racetrack's; placeholders {root} {staleMs} and the scenario's files",
  },
  recover: {
    flags: '--recover <template>',
    description: 'with --exec: your recovery, run in each faulted iteration root before the checkers (without it, what a killed operation left is judged as it stands)',
  },
  trace: {
    flags: '--trace',
    kind: 'flag',
    description:
      'with --exec: run each operation under strace (Linux) and read its locks (flock, fcntl, O_EXCL, mkdir, link) from its syscalls, so mutual exclusion and lock hold/wait times are judged',
  },
  jitter: {
    flags: '--jitter <us>',
    description: 'with --exec (Linux, strace): delay the fs syscalls (open, flock, fcntl, mkdir, link, rename, unlink, close) by random amounts up to this many µs, to widen race windows',
  },
  errors: { flags: '--errors <errnos>', description: 'with --exec and --error-rate (Linux, strace): errnos to inject into writes, fsyncs and renames, e.g. ENOSPC,EIO' },
  errorRate: { flags: '--error-rate <r>', description: 'the share of --exec operations given one injected error from --errors', defaultText: '0' },
  keep: { flags: '--keep <glob>', kind: 'list', description: 'a file your script keeps on purpose (e.g. its flock file), not an orphan; repeatable' },
  keepRoots: { flags: '--keep-roots', kind: 'flag', description: 'keep every iteration root even when the run passes (a failing run always keeps them)' },
  killRate: {
    flags: '--kill-rate <r>',
    description:
      "process isolation: SIGKILL each worker (its process group, so your --exec command too) with this probability per iteration, at a random moment over the operation's measured duration",
    default: '0',
  },
  pause: {
    flags: '--pause',
    kind: 'flag',
    description:
      'process isolation: stop the first lock holder right after it takes the lock (SIGSTOP) until past --stale-ms, then SIGCONT it; with --exec, strace shows when the command takes its lock (needs strace)',
  },
  pauseRate: { flags: '--pause-rate <r>', description: 'the share of iterations in which a lock holder is paused', defaultText: '0.2 with --pause, else 0' },
  hosts: {
    flags: '--hosts <n>',
    description: 'process isolation: spread the workers over N simulated hosts, each with its own host name and PID space (unshare), over the same directory',
  },
  store: {
    flags: '--store <store>',
    description: "run the PostgreSQL store: postgres (a throwaway cluster) or a postgres:// URL; --sut defaults to postgres, or name one of the store's controls",
  },
  partition: {
    flags: '--partition',
    kind: 'flag',
    description:
      'run lock --store postgres (process isolation, root): worker 0 runs in a network namespace of its own and, in every iteration, once it holds the lock, is cut off from the server (its veth link down) past --stale-ms, then healed; the other workers begin once it is cut off',
  },
  staleMs: { flags: '--stale-ms <n>', description: 'lock staleness for the system under test and the checkers', defaultText: '5000; 1000 with --pause or --partition' },
} as const;

const withoutKillList = ({ killList: _, ...counts }: FaultTally) => counts;

/** Each scenario's --exec placeholders, for the option's help: `allocate {root} {name}; …`. */
function execPlaceholderText(): string {
  return SCENARIOS.filter((s) => s.noExec === undefined)
    .map(
      (s) =>
        `${s.name} ${EXEC_PLACEHOLDERS[s.primitive]
          .filter((p) => p !== 'staleMs')
          .map((p) => `{${p}}`)
          .join(' ')}`,
    )
    .join('; ');
}

const args = [{ name: 'scenario', description: `the scenario: ${SCENARIOS.map((s) => s.name).join(', ')}`, required: true }] as const;

/** What `racetrack run` takes. */
export type RunInput = VerbInput<typeof options, typeof args>;

/** --jitter, --errors and --error-rate, checked (EINVALID naming the flag). */
function syscallFaultOptions(o: RunInput): SyscallFaultOptions {
  const f: SyscallFaultOptions = {
    ...(o.jitter === undefined ? {} : { jitterUs: parseNumber('--jitter', o.jitter) }),
    ...(o.errors === undefined
      ? {}
      : {
          errors: o.errors
            .split(',')
            .map((e) => e.trim().toUpperCase())
            .filter((e) => e !== ''),
        }),
    ...(o.errorRate === undefined ? {} : { errorRate: parseNumber('--error-rate', o.errorRate) }),
  };
  checkFaultOptions(f);
  if (f.errors !== undefined && f.errors.length > 0 && (f.errorRate ?? 0) === 0) throw new RacetrackError('EINVALID', '--errors needs --error-rate R (the share of operations to fault)');
  return f;
}

/** The directory a run writes to when --out is not given: racetrack-runs/<scenario>-<time>. */
export function defaultOutDir(scenario: string, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return resolve('racetrack-runs', `${scenario}-${stamp}-${process.pid}`);
}

/**
 * The run's last line on stderr, for people: the verdict, the checkers behind it, the collisions
 * with their 95% upper bound, the faults, the wall time, rounded where result.json keeps exact
 * numbers. One line:
 * `racetrack: FAIL reserve (exec): no-orphans, lost-updates; 0/20 iterations with collisions (the rate is below 13.9% at 95% confidence); …`.
 * The bound is left out where it would read 100%, which says nothing.
 */
export function summaryLine(result: RunResult, outDir: string): string {
  const blamed = checkersBehind(result);
  const bound = formatPercent(result.collisionRateUpper95);
  const collisions = `${result.collidingIterations}/${result.iterations} iterations with collisions${/^100(\.0)?%$/.test(bound) ? '' : ` (the rate is below ${bound} at 95% confidence)`}`;
  const faults = result.faults === undefined ? '' : `; faults: ${faultText(result.faults)}`;
  return `racetrack: ${result.verdict.toUpperCase()} ${result.scenario} (${result.sut}): ${blamed.length === 0 ? '' : `${blamed.join(', ')}; `}${collisions}${faults}; ${formatDuration(result.wallMs)}; results in ${outDir}`;
}

/**
 * The checkers a verdict rests on, in the order they ran: for fail, those that failed (one that
 * failed on collisions alone only when they exceed --max-collision-rate, as the verdict counts
 * it); for unknown, those that could not settle; for pass, none.
 */
function checkersBehind(result: RunResult): string[] {
  const tolerated = result.collisionRate <= result.maxCollisionRate;
  const behind = (c: CheckResult) => (result.verdict === 'fail' ? c.verdict === 'fail' && !(tolerated && failsOnCollisionsAlone(c)) : result.verdict === 'unknown' && c.verdict === 'unknown');
  return result.checks.filter(behind).map((c) => c.checker);
}

/** The largest --stale-ms a paused --exec command can outlast within its 60 s timeout. */
const EXEC_PAUSE_MAX_STALE_MS = 50_000;

/**
 * What `racetrack run` was asked, from its options: numbers parsed and checked, defaults decided
 * (the seed drawn, --stale-ms 1000 when pausing or partitioning), and the options that contradict
 * each other refused, all EINVALID naming the flag and before anything is looked up or created.
 * What the machine must offer (strace, PostgreSQL, namespaces) runRun checks after.
 */
export function runRequestFrom(o: RunInput): RunRequest & Required<Pick<RunRequest, 'staleMs' | 'killRate' | 'pauseRate'>> {
  const scenario = scenarioByName(o.scenario).name;
  const numbers = {
    iterations: parseInteger('--iterations', o.iterations, 100, { max: 1_000_000 }),
    workers: parseInteger('--workers', o.workers, 10, { max: 256 }),
    maxCollisionRate: parseNumber('--max-collision-rate', o.maxCollisionRate),
    seed: o.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : parseInteger('--seed', o.seed, 0, { min: 0, max: 2 ** 32 - 1 }),
  };
  if (!(numbers.maxCollisionRate >= 0 && numbers.maxCollisionRate <= 1)) throw badOption('--max-collision-rate', o.maxCollisionRate, 'a number from 0 to 1');
  checkRunNumbers(numbers);
  const killRate = parseNumber('--kill-rate', o.killRate);
  const pauseRate = o.pauseRate !== undefined ? parseNumber('--pause-rate', o.pauseRate) : o.pause === true ? 0.2 : 0;
  // A pause must outlast staleMs; the spec's 5 s default would make every paused iteration take 5 s.
  const staleMs = o.staleMs !== undefined ? parseNumber('--stale-ms', o.staleMs) : pauseRate > 0 || o.partition === true ? 1000 : DEFAULT_STALE_MS;
  if (!(killRate >= 0 && killRate <= 1)) throw badOption('--kill-rate', o.killRate, 'a number from 0 to 1');
  if (!(pauseRate >= 0 && pauseRate <= 1)) throw badOption('--pause-rate', o.pauseRate, 'a number from 0 to 1');
  if (!Number.isInteger(staleMs) || staleMs < 50 || staleMs > 600_000) throw badOption('--stale-ms', o.staleMs, 'an integer from 50 to 600000');
  if ((killRate > 0 || pauseRate > 0) && o.isolation !== 'process')
    throw new RacetrackError('EINVALID', '--kill-rate and --pause need --isolation process (threads cannot be killed or stopped alone)');
  if (o.exec !== undefined && o.sut !== 'core' && o.sut !== 'exec') throw new RacetrackError('EINVALID', '--exec and --sut name two systems under test; give one');
  if (o.exec === undefined && o.sut === 'exec') throw new RacetrackError('EINVALID', '--sut exec needs --exec TEMPLATE');
  if (o.trace === true && o.exec === undefined) throw new RacetrackError('EINVALID', '--trace needs --exec TEMPLATE (it traces your command)');
  const syscallFaults = syscallFaultOptions(o);
  if (hasSyscallFaults(syscallFaults) && o.exec === undefined) throw new RacetrackError('EINVALID', '--jitter and --errors need --exec TEMPLATE (strace injects them into your command)');
  // With --exec, a pause is placed through strace, which sees the command take its lock (pause-holder.ts).
  if (pauseRate > 0 && o.exec !== undefined && staleMs > EXEC_PAUSE_MAX_STALE_MS) {
    throw new RacetrackError('EINVALID', `--pause with --exec needs --stale-ms up to ${EXEC_PAUSE_MAX_STALE_MS}: a paused command must finish within its 60 s timeout`, { staleMs });
  }
  const hosts = o.hosts === undefined ? undefined : parseInteger('--hosts', o.hosts, 1);
  return {
    scenario,
    ...numbers,
    isolation: o.isolation,
    sut: o.exec === undefined ? (o.store !== undefined && o.sut === 'core' ? 'postgres' : o.sut) : 'core',
    ...(o.exec === undefined ? {} : { exec: o.exec }),
    ...(o.setup === undefined ? {} : { setup: o.setup }),
    ...(o.recover === undefined ? {} : { recover: o.recover }),
    ...(o.trace === true ? { trace: true } : {}),
    ...(hasSyscallFaults(syscallFaults) ? { syscallFaults } : {}),
    ...(o.store === undefined ? {} : { store: o.store }),
    ...(hosts === undefined ? {} : { hosts }),
    ...(o.partition === true ? { partition: true } : {}),
    keep: [...o.keep],
    killRate,
    pauseRate,
    staleMs,
  };
}

/**
 * `racetrack run <scenario>`: exit 0 when every checker passed, 1 when one failed or the collision
 * rate exceeded --max-collision-rate, 2 on bad input or when the verdict is unknown.
 */
export async function runRun(o: RunInput, ctx: VerbContext): Promise<CommandResult> {
  const { stderr } = ctx;
  const request = runRequestFrom(o);
  const scenario = scenarioByName(request.scenario);
  const { pauseRate } = request;
  if (pauseRate > 0 && detectRuntime().name === 'deno') {
    throw new RacetrackError('EINVALID', '--pause needs Node: under Deno a worker stopped with SIGSTOP is not continued reliably (the run hangs); run racetrack with node for pauses', {
      runtime: 'deno',
    });
  }
  const sut = resolveSut(scenario, request.sut, request.exec, execRunnerFor({ trace: request.trace, faults: request.syscallFaults, pause: pauseRate > 0 && request.exec !== undefined }));
  stateCommands(scenario, request, request.exec, request.staleMs); // checks --setup and --recover before anything is created
  checkRunStore(sut, request.store);
  if (request.hosts !== undefined) checkHosts(request.hosts, request.workers, request.isolation, pauseRate > 0);
  if (pauseRate > 0 && sut.reports !== undefined && !sut.reports.includes('lock-events')) {
    // The pause is taken right after the holder's lock is acquired, which only a system under test
    // that reports its acquisitions lets racetrack see: without them --pause would pause nobody.
    throw new RacetrackError('EINVALID', `--pause needs a system under test that reports its lock acquisitions; ${request.exec === undefined ? `"${sut.name}"` : '--exec'} does not`, {
      sut: sut.name,
    });
  }
  if (request.partition === true) {
    checkPartition({ sut, scenario: scenario.name, store: request.store, isolation: request.isolation, workers: request.workers, hosts: request.hosts, pausing: pauseRate > 0 });
    checkNetPartition();
  }
  const outDir = o.out === undefined ? defaultOutDir(scenario.name) : resolve(o.out);
  if (o.junit !== undefined && !existsSync(dirname(resolve(o.junit)))) throw new RacetrackError('ENOTFOUND', `the directory for --junit ${o.junit} does not exist`);
  if (o.junit !== undefined && existsSync(o.junit) && statSync(o.junit).isDirectory()) throw new RacetrackError('EINVALID', `--junit ${o.junit} is a directory, not a file`, { junit: o.junit });
  checkOutDir(outDir, o.force);
  const created = makeDirs(outDir, '--out');

  const progress = createProgress(stderr, ctx.stderrIsTty);
  let last: ProgressState = { iterationsDone: 0, iterations: request.iterations, operations: 0, collisions: { values: 0, extraHolders: 0 }, elapsedMs: 0 };
  const interrupts = trapInterrupts();
  let run: Awaited<ReturnType<typeof runScenario>>;
  try {
    run = await runScenario({
      ...request,
      outDir,
      keepRoots: o.keepRoots,
      signal: interrupts.signal,
      onProgress: (p) => {
        last = p;
        progress.update(p);
      },
    });
  } catch (err) {
    const signal = interrupts.received();
    if (signal === null) {
      // Your --setup failed, or the --store server could not be reached, before anything ran: the
      // run is bad input, and what it created goes.
      if (isRacetrackError(err) && (err.details.stage === 'setup' || err.details.stage === 'store')) removeRun(outDir, created);
      throw err;
    }
    // Ctrl-C: the workers are stopped; what this run created goes, so the same command can run again.
    stderr(`\nracetrack: interrupted by ${signal}; ${removeRun(outDir, created)}\n`);
    interrupts.die();
    return { exitCode: 128 + constants.signals[signal], output: undefined };
  } finally {
    interrupts.release();
  }
  const { result } = run;
  // The last line gives the run's own figures, the ones result.json and summary.md give.
  progress.done({ ...last, collisions: { values: result.collisions, extraHolders: result.extraHolders }, elapsedMs: result.wallMs });
  writeRunFiles(result, { ...(o.junit === undefined ? {} : { junit: resolve(o.junit) }), stepSummary: process.env.GITHUB_STEP_SUMMARY });
  stderr(`${summaryLine(result, outDir)}\n`);
  const output = {
    verdict: result.verdict,
    scenario: result.scenario,
    sut: result.sut,
    iterations: result.iterations,
    workers: result.workers,
    isolation: result.isolation,
    seed: result.seed,
    collisions: result.collisions,
    extraHolders: result.extraHolders,
    collidingIterations: result.collidingIterations,
    collisionRate: result.collisionRate,
    collisionRateUpper95: result.collisionRateUpper95,
    violations: result.violations.length,
    ...(result.notChecked.length === 0 ? {} : { notChecked: result.notChecked.map((n) => n.checker) }),
    // Each kill's facts are in result.json; the line gives the counts.
    ...(result.faults === undefined ? {} : { faults: withoutKillList(result.faults) }),
    wallMs: result.wallMs,
    outDir,
  };
  return { exitCode: result.verdict === 'pass' ? 0 : result.verdict === 'fail' ? 1 : 2, output };
}

/** `racetrack run`. */
export const runVerb = defineVerb({
  name: 'run',
  summary: 'run a scenario under concurrency, record a history, check its invariants',
  arguments: args,
  options,
  details: [
    'Scenarios:',
    ...scenarioLines('  '),
    '',
    '--out and an --exec template and its command are checked before anything is created. Ctrl-C',
    '(or SIGTERM, SIGHUP) stops the workers, removes what the run created, and ends racetrack by the',
    'same signal. A progress line goes to stderr; the result, one JSON line, to stdout.',
  ].join('\n'),
  examples: [
    { command: 'racetrack run allocate' },
    { command: 'racetrack run reserve --isolation process --junit junit.xml' },
    { command: 'racetrack run allocate --exec "bash scripts/alloc.sh {root} {name}" --keep ".topic.lock"' },
    { command: 'racetrack run reserve --isolation process --kill-rate 0.1 --pause' },
    { command: 'racetrack run lock --exec "flock {lock} {critical}" --keep section.lock' },
    { command: 'racetrack run update-json --exec "bash my-update.sh {file} {filter}"' },
    { command: 'racetrack run atomic-write --exec "bash my-write.sh {file} {payload}" --isolation process --kill-rate 0.3 --recover "bash my-recover.sh {file}"' },
    { command: 'racetrack run allocate --exec "bash scripts/alloc.sh {root} {name}" --trace --keep ".topic.lock"' },
    { command: 'racetrack run reserve --exec "python3 reserve.py {counters} {prefix} {count}" --errors ENOSPC,EIO --error-rate 0.3 --keep "*.lock"' },
    { command: 'racetrack run claim --store postgres' },
    { command: 'racetrack run lock --isolation process --workers 6 --hosts 3' },
  ],
  exitCodes: [
    { code: '0', meaning: 'pass: every checker passed' },
    { code: '1', meaning: 'an invariant failed, or the collision rate exceeded --max-collision-rate' },
    { code: '2', meaning: 'bad input, an error, or an unknown verdict (a check that observed nothing)' },
  ],
  run: (input, ctx) => runRun(input, ctx),
});
