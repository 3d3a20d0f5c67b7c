import { launchOf, ProcessParty, type PartyListeners, type ProcessLaunch, type Settled } from './process-party.ts';
import { startInstant, type StartInstant } from './start-barrier.ts';
import { failureError } from './task.ts';
import type { GroupOptions } from './thread-group.ts';

/** How far ahead of "all arrived" the start instant lies, by default: enough for every worker to read it. */
export const DEFAULT_START_MARGIN_MS = 5;

/**
 * The start barrier of worker processes: each time every one of `parties` has arrived, releases
 * them all at one instant `marginMs` ahead and tells `onRelease`. Messages still go to `onMessage`.
 */
export function releaseTogether(
  parties: readonly ProcessParty[],
  o: { readonly marginMs: number; readonly onMessage?: PartyListeners['onMessage']; readonly onRelease?: (at: StartInstant) => void },
): void {
  let arrived = 0;
  const onArrive = () => {
    if (++arrived < parties.length) return;
    arrived = 0;
    const at = startInstant(o.marginMs);
    for (const p of parties) p.release(at);
    o.onRelease?.(at);
  };
  for (const p of parties) p.listeners = { onArrive, onMessage: o.onMessage };
}

/** Starts one worker process per party, all loaded, or none (those started are ended again). */
export async function startParties(launches: readonly ProcessLaunch[]): Promise<ProcessParty[]> {
  const started = await Promise.allSettled(launches.map((launch, party) => ProcessParty.start(launch, party, launches.length)));
  const parties = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed === undefined) return parties;
  await Promise.all(parties.map((p) => p.exit()));
  throw failed.reason;
}

/** The value of a settled run, or the error it ended with. */
export function settledValue<O>(settled: Settled, party: number): O {
  if ('killed' in settled) throw new Error(`worker ${party} was killed`);
  if (!settled.ok) throw failureError(settled.failure, party);
  return settled.value as O;
}

/** Options of a process group beyond those of every group. */
export interface ProcessGroupOptions extends GroupOptions {
  /** How to start each worker; default the current runtime running `task`. */
  readonly launch?: (party: number) => ProcessLaunch;
  /** See {@link releaseTogether}; default {@link DEFAULT_START_MARGIN_MS}. */
  readonly marginMs?: number;
}

/**
 * Runs the task once on one child process per input, all on one start barrier, and resolves with
 * their values in input order. Rejects with the first worker's failure, or with the signal's
 * reason when it aborts; either way every worker is killed.
 */
export async function runProcesses<O>({ task, inputs, onMessage, signal, launch, marginMs }: ProcessGroupOptions): Promise<O[]> {
  signal?.throwIfAborted();
  const parties = await startParties(inputs.map((_, party) => launch?.(party) ?? launchOf(task)));
  const killAll = () => {
    for (const p of parties) p.kill('SIGKILL');
  };
  signal?.addEventListener('abort', killAll, { once: true });
  try {
    releaseTogether(parties, { marginMs: marginMs ?? DEFAULT_START_MARGIN_MS, onMessage });
    return await Promise.all(parties.map(async (p, party) => settledValue<O>(await p.run(inputs[party]), party)));
  } catch (err) {
    signal?.throwIfAborted();
    killAll(); // the others may wait at the barrier for the one that failed
    throw err;
  } finally {
    signal?.removeEventListener('abort', killAll);
    await Promise.all(parties.map((p) => p.exit()));
  }
}
