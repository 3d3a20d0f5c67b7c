import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { badOption, RacetrackError } from '../../core/errors.ts';
import { detectRuntime } from '../../core/runtime.ts';
import { collisionRateUpper95 } from '../stats/upper-bound.ts';
import { scenarioByName } from '../../scenarios/workloads/index.ts';
import { resolveSut } from '../../scenarios/suts/index.ts';
import { execRunnerFor, hasSyscallFaults } from '../strace/traced-exec.ts';
import { PAUSE_PLACED_EVENT, type PlacedPause } from '../strace/pause-holder.ts';
import { syscallFaultTally, SYSCALL_FAULT_EVENT } from '../strace/fault-tally.ts';
import { checkRunStore, provideRunStore } from '../store/run-store.ts';
import { createNetPartition } from '../store/netns.ts';
import { checkPartition, PARTITION_SERVER_SETTINGS, partitionForMs } from '../store/partition-run.ts';
import { RUN_STORE_ENV } from '../../scenarios/suts/store/store-sut.ts';
import { stateCommands, type StateCommands } from './state-commands.ts';
import { interrupted, type KillFact } from './kill-landing.ts';
import { planChecks } from './check-plan.ts';
import { composeVerdicts, guardedIncremental, type CheckResult, type IterationSnapshot } from '../checkers/checker.ts';
import { failsOnCollisionsAlone, runCollisions } from '../checkers/collisions.ts';
import type { CheckerSpec } from '../checkers/spec.ts';
import { monotonicNs, type HistoryEvent, type RawEvent } from '../history/history.ts';
import { iterationRoot } from './iteration-root.ts';
import { IterationStream, type HeldPeak } from './iteration-stream.ts';
import { makeDirs } from './make-dirs.ts';
import { ROOTS_DIR } from './out-dir.ts';
import { runOnProcesses, type PartitionPlan } from './process-runner.ts';
import type { FaultTally, NotChecked, PartitionFact, RunResult } from './run-result.ts';
import { DEFAULT_STALE_MS, recordRequest, type RunRequest } from './run-request.ts';
import { runOnThreads } from './thread-runner.ts';

/** How far a run has got, for a progress line. */
export interface ProgressState {
  readonly iterationsDone: number;
  readonly iterations: number;
  readonly operations: number;
  /** Values handed out more than once so far, and their extra holders. */
  readonly collisions: { readonly values: number; readonly extraHolders: number };
  readonly elapsedMs: number;
}

/** A run: what it was asked (RunRequest), where its files go, and how its caller follows it. */
export interface RunOptions extends RunRequest {
  readonly outDir: string;
  /** Keep every iteration's root even when the run passes (they are always kept when it does not). */
  readonly keepRoots?: boolean;
  readonly onProgress?: (p: ProgressState) => void;
  /** Also hold the whole merged history and every snapshot in memory and return them (for a small run a caller studies). */
  readonly retain?: boolean;
  /** Aborting it stops the run where it is (Ctrl-C): the workers are ended and runScenario rejects with its reason. */
  readonly signal?: AbortSignal;
}

/**
 * How many iterations thread workers may run ahead of the last one checked: it bounds the roots on
 * disk and the events in memory whatever the run's length.
 */
export const ROOTS_AHEAD = 4;

/** A run's result, and, when asked (`retain`), its merged history and the state each iteration left. */
export interface RunOutcome {
  readonly result: RunResult;
  /** The merged history, in time order (also in history.jsonl): only with `retain`. */
  readonly history?: readonly HistoryEvent[];
  /** The state each iteration left: only with `retain`. */
  readonly snapshots?: readonly IterationSnapshot[];
  /** How much of the run was held in memory at once. */
  readonly held: HeldPeak;
}

/**
 * Runs a scenario: runs every iteration on `workers` threads or processes released together by a
 * start barrier, each on a fresh root laid out just before it, and settles each iteration as soon
 * as all its workers have reported (see IterationStream): its events are appended to history.jsonl
 * in `outDir`, its root is read back, the scenario's checkers are fed it, and the root is removed
 * unless something was found there. The checkers then judge the whole run.
 */
export async function runScenario(options: RunOptions): Promise<RunOutcome> {
  const scenario = scenarioByName(options.scenario);
  if ((options.trace === true || hasSyscallFaults(options.syscallFaults)) && options.exec === undefined) {
    throw new RacetrackError('EINVALID', 'tracing and syscall faults need an --exec command: strace runs the command, not racetrack itself');
  }
  const pauseExec = (options.pauseRate ?? 0) > 0 && options.exec !== undefined;
  const sut = resolveSut(scenario, options.sut, options.exec, execRunnerFor({ trace: options.trace, faults: options.syscallFaults, pause: pauseExec })); // fail fast on a SUT that cannot drive the scenario
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const state = stateCommands(scenario, options, options.exec, staleMs);
  if (options.hosts !== undefined && options.isolation !== 'process') throw new RacetrackError('EINVALID', '--hosts needs --isolation process');
  const faulty = (options.killRate ?? 0) > 0 || (options.pauseRate ?? 0) > 0;
  if (faulty && options.isolation !== 'process') throw new RacetrackError('EINVALID', 'kills and pauses need --isolation process');
  if (options.partition === true) {
    checkRunStore(sut, options.store);
    checkPartition({ sut, scenario: scenario.name, store: options.store, isolation: options.isolation, workers: options.workers, hosts: options.hosts, pausing: (options.pauseRate ?? 0) > 0 });
  }
  // The namespace is the probe: where the machine refuses one, nothing has been created yet.
  const net = options.partition === true ? createNetPartition() : undefined;
  try {
    const outDir = resolve(options.outDir);
    const rootsDir = join(outDir, ROOTS_DIR);
    makeDirs(rootsDir, '--out');
    const runStore = await provideRunStore(sut, options.store, net === undefined ? {} : { tcp: { address: net.serverAddress, clients: net.subnet }, settings: PARTITION_SERVER_SETTINGS });
    try {
      const partition: PartitionPlan | undefined =
        net === undefined || runStore?.tcpUrl === undefined ? undefined : { net, worker: 0, env: { [RUN_STORE_ENV]: runStore.tcpUrl }, forMs: partitionForMs(staleMs) };
      return await runStreamed(options, scenario, sut, state, outDir, rootsDir, partition);
    } finally {
      // The store's schemas are named for the roots (one per iteration), whether or not the roots remain.
      await runStore?.finish(Array.from({ length: options.iterations }, (_, i) => iterationRoot(rootsDir, i)));
    }
  } finally {
    net?.remove();
  }
}

async function runStreamed(
  options: RunOptions,
  scenario: ReturnType<typeof scenarioByName>,
  sut: ReturnType<typeof resolveSut>,
  state: StateCommands,
  outDir: string,
  rootsDir: string,
  partition?: PartitionPlan,
): Promise<RunOutcome> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const killRate = options.killRate ?? 0;
  const pauseRate = options.pauseRate ?? 0;
  const faulty = killRate > 0 || pauseRate > 0;
  // With pauses, every scenario also answers for what a woken holder did; with a partition of a lock holder, for what a reconnected one did.
  const specs: CheckerSpec[] = [
    ...scenario.checks,
    ...(pauseRate > 0 ? [{ checker: 'paused-holder-silent', needs: 'lock-events' } as const] : []),
    ...(partition !== undefined ? [{ checker: 'partitioned-holder-silent' } as const] : []),
  ];
  const plan = planChecks(specs, sut, { staleMs });

  const started = performance.now();
  const startedAt = new Date().toISOString();
  // Counted as uniqueness and claimed-once count them: values held by more than one acknowledged op.
  const live = { values: 0, extraHolders: 0 };
  const seen = new Map<number, Map<string, number>>();
  let operations = 0;
  let iterationsDone = 0;
  // The syscall faults strace injected (--jitter, --errors): one small event per planned fault.
  const syscallFaultEvents: RawEvent[] = [];
  // Where each pause landed in an --exec command (pause-holder.ts), one event per pause placed.
  const placedPauses: (PlacedPause & { readonly iteration: number; readonly worker: number })[] = [];
  const windowProgress = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const stream = new IterationStream({
    scenario,
    workers: options.workers,
    rootsDir,
    historyPath: join(outDir, 'history.jsonl'),
    checkers: plan.checkers.map(([name, factory]) => [name, guardedIncremental(name, factory)] as const),
    keep: options.keep,
    keepRoots: options.keepRoots === true,
    retain: options.retain === true,
    onSettled: (settled) => {
      Atomics.store(windowProgress, 0, settled);
      Atomics.notify(windowProgress, 0);
    },
  });
  const report = (iteration: number, events: readonly RawEvent[]): boolean => {
    const values = seen.get(iteration) ?? new Map<string, number>();
    seen.set(iteration, values);
    for (const e of events) {
      if (e.f === SYSCALL_FAULT_EVENT) syscallFaultEvents.push(e);
      if (e.f === PAUSE_PLACED_EVENT) placedPauses.push({ ...(e.value as PlacedPause), iteration: e.iteration, worker: e.worker });
      if (e.f === 'acquire' || e.f === 'release' || e.worker < 0) continue; // the lock's own steps, not operations
      if (e.type === 'invoke') operations++;
      if (e.type !== 'ok') continue;
      for (const v of scenario.exclusiveValues?.(e.f, e.value) ?? []) {
        const holders = (values.get(v) ?? 0) + 1;
        values.set(v, holders);
        if (holders === 2) live.values++;
        if (holders > 1) live.extraHolders++;
      }
    }
    const complete = stream.add(iteration, events);
    if (complete) {
      seen.delete(iteration);
      iterationsDone++;
    }
    options.onProgress?.({ iterationsDone, iterations: options.iterations, operations, collisions: { ...live }, elapsedMs: performance.now() - started });
    return complete;
  };

  const base = {
    scenario: scenario.name,
    sut: options.sut,
    workers: options.workers,
    seed: options.seed,
    staleMs,
    ...(options.exec === undefined ? {} : { exec: options.exec }),
    ...(options.setup === undefined ? {} : { setup: options.setup }),
    ...(options.trace === true ? { trace: true } : {}),
    ...(pauseRate > 0 && options.exec !== undefined ? { pause: true } : {}),
    ...(hasSyscallFaults(options.syscallFaults) ? { syscallFaults: options.syscallFaults } : {}),
  };
  const killList: KillFact[] = [];
  const partitions: PartitionFact[] = [];
  let pauses = 0;
  let pausesNotPlaced = 0;
  let faultedIterations = 0;
  const recoveries = { ran: 0, failed: 0 };
  try {
    if (options.isolation === 'process') {
      await runOnProcesses({
        base,
        iterations: options.iterations,
        rootsDir,
        onIteration: (iteration, _worker, events) => void report(iteration, events),
        // After an iteration whose workers were killed or paused, the restarted system recovers
        // before the next iteration and before the checkers look: orphans then count only if recovery leaves them.
        // A user's command recovers by its own --recover, or not at all: racetrack never applies its own
        // recovery or locks to files another implementation made (what a killed operation left behind is
        // then judged as it stands, as the implementation's next caller would find it).
        afterIteration: async (iteration, faulted) => {
          if (faulted) {
            faultedIterations++;
            stream.markFaulted();
            const root = iterationRoot(rootsDir, iteration);
            if (options.exec === undefined) await scenario.recover?.(root, staleMs);
            else {
              const outcome = await state.recover(root);
              if (outcome !== null) {
                recoveries.ran++;
                if (outcome.exitCode !== 0) recoveries.failed++;
                stream.addNemesis({ time: monotonicNs(), worker: -1, iteration, type: 'info', f: 'recover', value: outcome });
              }
            }
          }
          stream.settle(iteration);
        },
        signal: options.signal,
        ...(options.hosts === undefined ? {} : { hosts: options.hosts }),
        ...(faulty ? { faults: { killRate, pauseRate, staleMs }, onKill: (k: KillFact) => killList.push(k) } : {}),
        ...(partition === undefined ? {} : { partition }),
        ...(faulty || partition !== undefined
          ? {
              onNemesis: (e: RawEvent) => {
                if (e.f === 'pause') pauses++;
                if (e.f === 'pause-missed') pausesNotPlaced++;
                if (e.f === 'partition') {
                  const v = e.value as { worker: number; afterStartMs: number; forMs: number };
                  partitions.push({ iteration: e.iteration, worker: v.worker, afterStartMs: v.afterStartMs, forMs: v.forMs });
                }
                stream.addNemesis(e);
              },
            }
          : {}),
      });
    } else {
      await runOnThreads({
        base,
        iterations: options.iterations,
        rootsDir,
        onIteration: (iteration, _worker, events) => {
          if (report(iteration, events)) stream.settle(iteration);
        },
        window: { settled: windowProgress.buffer as SharedArrayBuffer, ahead: ROOTS_AHEAD },
        signal: options.signal,
      });
    }
  } finally {
    stream.close();
  }
  options.signal?.throwIfAborted();
  const wallMs = performance.now() - started;

  const checks: CheckResult[] = stream.finish();
  // A kill counts only where it interrupted a worker's part; one that found it done is counted apart.
  const kills = killList.filter((k) => interrupted(k.landed)).length;
  const syscall = syscallFaultTally(syscallFaultEvents, options.syscallFaults, hasSyscallFaults(options.syscallFaults));
  const faults: FaultTally | undefined =
    faulty || syscall !== undefined || partition !== undefined
      ? {
          killRate,
          pauseRate,
          staleMs,
          kills,
          killsAfterOperation: killList.length - kills,
          killList,
          // A pause placed in a command after its lock was already released held no holder: missed, not a pause.
          pauses: pauses - placedPauses.filter((p) => !p.effective).length,
          pausesMissed: pausesNotPlaced + placedPauses.filter((p) => !p.effective).length,
          ...(options.exec === undefined || pauseRate === 0 ? {} : { pauseList: placedPauses }),
          faultedIterations,
          killsPerSecond: kills / (wallMs / 1000),
          ...(options.exec === undefined ? {} : { recoveries }),
          ...(syscall === undefined ? {} : { syscall }),
          ...(partition === undefined ? {} : { partitionMethod: partition.net.method, partitions }),
        }
      : undefined;
  const result = { ...summarize(options, scenario.name, outDir, checks, plan.notChecked, stream, wallMs, startedAt), ...(faults === undefined ? {} : { faults }) };
  if (result.verdict === 'pass' && options.keepRoots !== true) rmSync(rootsDir, { recursive: true, force: true });
  return { result, held: stream.held, ...(options.retain === true ? { history: stream.history, snapshots: stream.snapshots } : {}) };
}

function summarize(
  options: RunOptions,
  scenario: string,
  outDir: string,
  checks: CheckResult[],
  notChecked: readonly NotChecked[],
  stream: IterationStream,
  wallMs: number,
  startedAt: string,
): RunResult {
  // Counted from the paired operations: an invoke whose worker was killed has no completion event,
  // and pairing is what makes it `info`. Lock steps and the nemesis are not operations.
  const ops = { ...stream.operations };
  const collisions = runCollisions(checks);
  const collidingIterations = Math.min(options.iterations, collisions.iterations);
  const collisionRate = options.iterations === 0 ? 0 : collidingIterations / options.iterations;
  // Within the tolerated rate, a check that found nothing wrong but values held twice does not fail the run.
  const verdict = collisionRate > options.maxCollisionRate ? 'fail' : composeVerdicts(checks.filter((c) => !failsOnCollisionsAlone(c)).map((c) => c.verdict));
  const { wait, hold } = stream.lockTimings.summary();
  const violations = checks
    .filter((c) => c.verdict === 'fail')
    .flatMap((c) => (c.examples.length === 0 ? [undefined] : c.examples.slice(0, 3)).map((example) => ({ checker: c.checker, message: c.message, example })));
  return {
    ...recordRequest(options),
    verdict,
    scenario,
    runtime: detectRuntime(),
    operations: ops,
    collisions: collisions.values,
    extraHolders: collisions.extraHolders,
    collidingIterations,
    collisionRate,
    collisionRateUpper95: collisionRateUpper95(collidingIterations, options.iterations),
    violations,
    checks,
    notChecked,
    lockHold: hold,
    lockWait: wait,
    wallMs: Math.round(wallMs),
    startedAt,
    outDir,
  };
}

/** Validates the numbers a user gave `run`, before anything is created. */
export function checkRunNumbers(o: { iterations: number; workers: number; maxCollisionRate: number; seed: number }): void {
  if (!Number.isInteger(o.iterations) || o.iterations < 1 || o.iterations > 1_000_000) throw badOption('--iterations', o.iterations, 'an integer from 1 to 1000000');
  if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 256) throw badOption('--workers', o.workers, 'an integer from 1 to 256');
  if (!(o.maxCollisionRate >= 0 && o.maxCollisionRate <= 1)) throw badOption('--max-collision-rate', o.maxCollisionRate, 'a number from 0 to 1');
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 2 ** 32 - 1) throw badOption('--seed', o.seed, 'an integer from 0 to 4294967295');
}
