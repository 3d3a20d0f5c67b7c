import { readFileSync, rmSync } from 'node:fs';
import { planFaults, type ProcessFaults } from './nemesis-plan.ts';
import { monotonicNs, type RawEvent } from '../history/history.ts';
import { releaseTogether, startParties, settledValue } from './process-group.ts';
import { launchOf, ProcessParty } from './process-party.ts';
import { taskRef } from './task.ts';
import type { PoolRunOptions } from './thread-runner.ts';
import type { IterationInput, IterationTask } from './worker-task.ts';
import { iterationRoot, prepareRoot } from './iteration-root.ts';
import { scenarioByName } from '../../scenarios/workloads/index.ts';

/** How long after all workers arrived at the barrier they start: enough for every one to read the instant. */
const START_MARGIN_MS = 5;
/** How far past staleMs a paused holder stays stopped, so the others surely break its lock. */
const PAUSE_MARGIN_MS = 250;
/** How often the parent looks for the pause claim of a paused holder. */
const PAUSE_WATCH_MS = 2;

/** The worker that claimed the iteration's pause (and stopped itself), or null while nobody has. */
function readPauseClaim(claim: string): number | null {
  let text: string;
  try {
    text = readFileSync(claim, 'utf8');
  } catch {
    return null;
  }
  // The claimant writes its number before it stops; an empty read is a claim still being written.
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** Options of the process runner beyond the common ones: the faults to inject. */
export interface ProcessRunOptions extends PoolRunOptions {
  readonly faults?: ProcessFaults;
  /** Records what the nemesis did (kills, pauses), as events of worker -1. */
  readonly onNemesis?: (e: RawEvent) => void;
}

/**
 * Runs every iteration on `workers` child processes of the current runtime (the engine's worker
 * processes, one run of worker-task's runIteration each per iteration). Per iteration: every
 * worker loads its iteration and waits at the start barrier, all start at one instant, run their
 * operation, stream their events, and report done.
 * With faults, the nemesis SIGKILLs workers at random moments after the start (a killed worker is
 * replaced by a fresh process before the next iteration) and pauses the iteration's first lock
 * holder right after it takes its lock (it SIGSTOPs itself) until past staleMs, then SIGCONTs it;
 * after a faulted iteration the caller's `afterIteration` runs recovery.
 */
export async function runOnProcesses({ base, iterations, rootsDir, onIteration, afterIteration, faults, onNemesis, seed, signal }: ProcessRunOptions & { seed?: number }): Promise<void> {
  signal?.throwIfAborted();
  const launch = launchOf(taskRef(import.meta.url, './worker-task', 'runIteration'));
  const procs: ProcessParty[] = await startParties(Array.from({ length: base.workers }, () => launch));
  const nemesis = (iteration: number, f: string, value: unknown) => onNemesis?.({ time: monotonicNs(), worker: -1, iteration, type: 'info', f, value });
  // Ctrl-C: every worker is killed where it is (a stopped one too), and the loop ends below.
  const onAbort = () => {
    for (const p of procs) p.kill('SIGKILL');
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const scenario = scenarioByName(base.scenario);
    for (let iteration = 0; iteration < iterations; iteration++) {
      signal?.throwIfAborted();
      const task: IterationTask = { iteration, root: iterationRoot(rootsDir, iteration) };
      prepareRoot(scenario, task.root, base.workers);
      // Killed workers are replaced by fresh processes, all started at once.
      await Promise.all(
        procs.map(async (p, w) => {
          if (!p.alive) procs[w] = await ProcessParty.start(launch, w, base.workers);
        }),
      );
      signal?.throwIfAborted();
      const plan = faults === undefined ? undefined : planFaults(faults, seed ?? base.seed, task.iteration, procs.length);
      const events: RawEvent[][] = procs.map(() => []);
      const timers: ReturnType<typeof setTimeout>[] = [];
      let watch: ReturnType<typeof setInterval> | undefined;
      const pauseClaim = `${task.root}.pause`;
      const faulted = plan !== undefined && (plan.kills.size > 0 || plan.pause);
      releaseTogether(procs, {
        marginMs: START_MARGIN_MS,
        onMessage: (w, e) => events[w]!.push(e as RawEvent),
        onRelease: (at) => {
          const untilStartMs = (at.ns - monotonicNs()) / 1e6;
          for (const [w, atMs] of plan?.kills ?? []) {
            timers.push(
              setTimeout(() => {
                nemesis(task.iteration, 'kill', { worker: w, afterStartMs: Math.round(atMs * 1000) / 1000 });
                procs[w]!.kill('SIGKILL');
              }, untilStartMs + atMs),
            );
          }
        },
      });
      if (plan?.pause === true) {
        // The first worker to take its lock stops itself (SIGSTOP) and names itself in the claim
        // file; we wake it (SIGCONT) once the others have surely broken its lock.
        const forMs = faults!.staleMs + PAUSE_MARGIN_MS;
        watch = setInterval(() => {
          const worker = readPauseClaim(pauseClaim);
          if (worker === null) return;
          clearInterval(watch);
          nemesis(task.iteration, 'pause', { worker, forMs });
          timers.push(
            setTimeout(() => {
              procs[worker]?.kill('SIGCONT');
              nemesis(task.iteration, 'resume', { worker });
            }, forMs),
          );
        }, PAUSE_WATCH_MS);
      }
      try {
        await Promise.all(
          procs.map(async (p, w) => {
            const mayPause = plan?.pause === true && !plan.kills.has(w);
            const input: IterationInput = { setup: { ...base, worker: w }, task, ...(mayPause ? { pauseClaim } : {}) };
            const settled = await p.run(input);
            if (!('killed' in settled)) settledValue(settled, w);
          }),
        );
        signal?.throwIfAborted();
      } catch (err) {
        signal?.throwIfAborted(); // a worker died of the same Ctrl-C (a terminal signals the whole group)
        // A worker failed and the run ends with its error. The others may wait at the barrier for
        // it, or be at work, and one may yet take its lock and stop itself with nobody left to
        // continue it: end them all.
        for (const p of procs) p.kill('SIGKILL');
        throw err;
      } finally {
        // Also when a worker failed: a live timer or interval would keep the runtime from exiting.
        // No worker is left stopped: a stopped one cannot report, so every worker settled means
        // the paused holder was continued, and a failure kills them all. (Nor is any other worker
        // signalled: Deno takes a SIGCONT sent to a running child for its exit.)
        for (const t of timers) clearTimeout(t);
        clearInterval(watch);
        rmSync(pauseClaim, { force: true });
      }
      for (const [w, e] of events.entries()) onIteration(task.iteration, w, e);
      await afterIteration?.(task.iteration, faulted);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(procs.map((p) => p.exit()));
  }
}
