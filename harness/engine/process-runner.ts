import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { NetPartition } from '../store/netns.ts';
import { killWindowMs, planFaults, type ProcessFaults } from './nemesis-plan.ts';
import { killLanding, type KillFact } from './kill-landing.ts';
import { monotonicNs, type RawEvent } from '../history/history.ts';
import { releaseTogether, startParties, settledValue } from './process-group.ts';
import { launchOf, ProcessParty } from './process-party.ts';
import { onHost } from './hosts.ts';
import { taskRef } from './task.ts';
import type { PoolRunOptions } from './thread-runner.ts';
import { CUT, HEALED, NO_CUT, type IterationInput, type IterationTask } from './worker-task.ts';
import { iterationRoot, prepareRoot } from './iteration-root.ts';
import { stateCommands } from './state-commands.ts';
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
  /** Tells where each planned kill landed (also in the history: `kill` events, `kill-late` for one that found the worker done). */
  readonly onKill?: (fact: KillFact) => void;
  /** Spread the workers over this many simulated hosts (hosts.ts), worker w on host w mod hosts. */
  readonly hosts?: number;
  /** Cut one worker off from the store's server in every iteration (`--partition`). */
  readonly partition?: PartitionPlan;
}

/** The partition nemesis's part: which worker is in the namespace, how it is cut, for how long. */
export interface PartitionPlan {
  /** The link between the worker's namespace and the server's (harness/store/netns.ts). */
  readonly net: Pick<NetPartition, 'wrap' | 'cut' | 'heal' | 'method'>;
  /** The worker started inside the namespace. */
  readonly worker: number;
  /** Its environment there (the server's URL over TCP). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * How long each cut lasts: past the lease (staleMs), so that the server frees what the worker
   * held. The worker is cut once it has taken its lock (lock scenario), and goes on after the heal.
   */
  readonly forMs: number;
}

/**
 * Runs every iteration on `workers` child processes of the current runtime (the engine's worker
 * processes, one run of worker-task's runIteration each per iteration). Per iteration: every
 * worker loads its iteration and waits at the start barrier, all start at one instant, run their
 * operation, stream their events, and report done.
 * With faults, the nemesis SIGKILLs workers at random moments after the start, spread over how
 * long the workers' parts have been taking (killWindowMs). Each worker leads its own process group,
 * and the kill goes to the group, so that a command the worker runs (`--exec`) dies with it rather
 * than running on as an orphan. A killed worker is replaced by a fresh process before the next
 * iteration. Where each kill landed is judged afterwards from the worker's own events. The nemesis also pauses the
 * iteration's first lock holder right after it takes its lock (it SIGSTOPs itself) until past staleMs, then SIGCONTs it;
 * after a faulted iteration the caller's `afterIteration` runs recovery.
 */
export async function runOnProcesses({
  base,
  iterations,
  rootsDir,
  onIteration,
  afterIteration,
  faults,
  onNemesis,
  onKill,
  seed,
  signal,
  hosts,
  partition,
}: ProcessRunOptions & { seed?: number }): Promise<void> {
  signal?.throwIfAborted();
  const local = { ...launchOf(taskRef(import.meta.url, './worker-task', 'runIteration')), group: true };
  const onItsHost = (w: number) => (hosts === undefined ? local : onHost(local, w % hosts));
  const launch = (w: number) => (partition !== undefined && w === partition.worker ? partition.net.wrap(onItsHost(w), partition.env) : onItsHost(w));
  // How long each worker that was not killed took from the start to the end of its part (ms).
  const timedMs: number[] = [];
  const procs: ProcessParty[] = await startParties(Array.from({ length: base.workers }, (_, w) => launch(w)));
  const nemesis = (iteration: number, f: string, value: unknown) => onNemesis?.({ time: monotonicNs(), worker: -1, iteration, type: 'info', f, value });
  // Ctrl-C: every worker is killed where it is (a stopped one too), and the loop ends below.
  const onAbort = () => {
    for (const p of procs) p.kill('SIGKILL');
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const scenario = scenarioByName(base.scenario);
    const state = stateCommands(scenario, { setup: base.setup }, base.exec, base.staleMs ?? 5000);
    for (let iteration = 0; iteration < iterations; iteration++) {
      signal?.throwIfAborted();
      const task: IterationTask = { iteration, root: iterationRoot(rootsDir, iteration) };
      prepareRoot(scenario, task.root, base.workers);
      await state.setup(task.root, iteration);
      // Killed workers are replaced by fresh processes, all started at once.
      await Promise.all(
        procs.map(async (p, w) => {
          await p.settleKill();
          if (!p.alive) procs[w] = await ProcessParty.start(launch(w), w, base.workers);
        }),
      );
      signal?.throwIfAborted();
      const planned = faults === undefined ? undefined : planFaults(faults, seed ?? base.seed, task.iteration, procs.length);
      // Until one worker's part has been timed, nobody knows how long an operation takes (a
      // command's start-up alone may take 300 ms): the iteration runs without kills, and times them.
      const plan = planned !== undefined && timedMs.length === 0 ? { ...planned, kills: new Map<number, number>() } : planned;
      const events: RawEvent[][] = procs.map(() => []);
      const timers: ReturnType<typeof setTimeout>[] = [];
      let watch: ReturnType<typeof setInterval> | undefined;
      let pauseClaimed = false;
      const pauseClaim = `${task.root}.pause`;
      const faulted = plan !== undefined && (plan.kills.size > 0 || plan.pause);
      const windowMs = killWindowMs(timedMs);
      let startNs = 0;
      const returnedAt: (number | undefined)[] = procs.map(() => undefined);
      // The partition nemesis: one cut of the namespaced worker per iteration, once it holds its lock, healed after forMs.
      const partitionClaim = `${task.root}.partition`;
      let cutAt: number | null = null;
      let cutThisIteration = false;
      const heal = () => {
        if (partition === undefined || cutAt === null) return;
        partition.net.heal();
        cutAt = null;
        nemesis(task.iteration, 'heal', { worker: partition.worker });
        writeFileSync(partitionClaim, HEALED);
      };
      const cut = () => {
        if (partition === undefined || cutThisIteration) return;
        partition.net.cut();
        cutAt = monotonicNs();
        cutThisIteration = true;
        nemesis(task.iteration, 'partition', { worker: partition.worker, forMs: partition.forMs, method: partition.net.method, afterStartMs: Math.round((cutAt - startNs) / 1e3) / 1e3 });
        writeFileSync(partitionClaim, CUT); // the other workers begin now
        timers.push(setTimeout(heal, partition.forMs));
      };
      const shots: { worker: number; time: number; delayMs: number; signalled: boolean }[] = [];
      const killedWorkers = new Set<number>();
      releaseTogether(procs, {
        marginMs: START_MARGIN_MS,
        onMessage: (w, e) => events[w]!.push(e as RawEvent),
        onRelease: (at) => {
          startNs = at.ns;
          const untilStartMs = (at.ns - monotonicNs()) / 1e6;
          for (const [w, share] of plan?.kills ?? []) {
            const delayMs = Math.round(share * windowMs * 1000) / 1000;
            timers.push(
              setTimeout(() => {
                // A worker whose part is over is not killed: there is nothing left to interrupt.
                const signalled = returnedAt[w] === undefined;
                shots.push({ worker: w, time: monotonicNs(), delayMs, signalled });
                if (signalled) procs[w]!.kill('SIGKILL');
              }, untilStartMs + delayMs),
            );
          }
        },
      });
      if (partition !== undefined) {
        // The namespaced worker names itself in the claim once it holds its lock, and waits for the heal.
        watch = setInterval(() => {
          if (readPauseClaim(partitionClaim) === null) return;
          clearInterval(watch);
          cut();
        }, PAUSE_WATCH_MS);
      }
      if (plan?.pause === true) {
        // The first worker to take its lock stops itself (SIGSTOP) and names itself in the claim
        // file; we wake it (SIGCONT) once the others have surely broken its lock.
        const forMs = faults!.staleMs + PAUSE_MARGIN_MS;
        watch = setInterval(() => {
          const worker = readPauseClaim(pauseClaim);
          if (worker === null) return;
          pauseClaimed = true;
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
            const cutOff = w === partition?.worker;
            const partitionRole = partition === undefined ? {} : cutOff ? { partitionClaim } : { awaitCut: partitionClaim };
            const input: IterationInput = { setup: { ...base, worker: w }, task, ...(mayPause ? { pauseClaim } : {}), ...partitionRole };
            const settled = await p.run(input);
            returnedAt[w] = monotonicNs();
            // The namespaced worker's part ended without a cut (it took no lock): the others wait for none.
            if (cutOff && !cutThisIteration) {
              clearInterval(watch);
              writeFileSync(partitionClaim, NO_CUT);
            }
            if ('killed' in settled) {
              killedWorkers.add(w);
              return;
            }
            settledValue(settled, w);
            // A paused iteration's parts last past staleMs: they would stretch the window.
            if (!plan?.kills.has(w) && plan?.pause !== true && !(cutThisIteration && w === partition?.worker)) timedMs.push((returnedAt[w] - startNs) / 1e6);
          }),
        );
        // A cut outlasts the lease even when the worker's part ended under it.
        if (partition !== undefined && cutAt !== null) await new Promise((r) => setTimeout(r, Math.max(0, partition.forMs - (monotonicNs() - cutAt!) / 1e6)));
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
        heal(); // never left cut, also when a worker failed
        rmSync(pauseClaim, { force: true });
        rmSync(partitionClaim, { force: true });
      }
      // A pause drawn but placed nowhere (no worker took a lock racetrack could see) is told, not dropped.
      if (plan?.pause === true && !pauseClaimed) nemesis(task.iteration, 'pause-missed', { reason: 'no worker was seen taking a lock' });
      for (const shot of shots) {
        // Settled: the worker returned its result, even if the parent read it only after the kill.
        const settled = !shot.signalled || !killedWorkers.has(shot.worker);
        const { landed, operation } = killLanding(events[shot.worker]!, shot.time, settled);
        const fact: KillFact = {
          iteration: task.iteration,
          worker: shot.worker,
          delayMs: shot.delayMs,
          windowMs,
          landed,
          ...(operation === undefined ? {} : { operation }),
          signalled: shot.signalled,
        };
        onNemesis?.({
          time: shot.time,
          worker: -1,
          iteration: task.iteration,
          type: 'info',
          f: shot.signalled ? 'kill' : 'kill-late',
          value: { worker: fact.worker, afterStartMs: fact.delayMs, windowMs, landed, ...(operation === undefined ? {} : { operation }) },
        });
        onKill?.(fact);
      }
      for (const [w, e] of events.entries()) onIteration(task.iteration, w, e);
      await afterIteration?.(task.iteration, faulted);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(procs.map((p) => p.exit()));
  }
}
