import type { Clock } from '../deps.ts';
import { errnoCode } from '../errors.ts';
import type { FsFacade } from '../fs-facade.ts';

/**
 * Sleeps a lock waiter until `path` changes (the lock file is removed or renamed; an entry of the
 * queue directory comes or goes), or until its backoff runs out, whichever comes first.
 *
 * Sleeping out a backoff while the lock sits free is most of what a contended file lock wastes.
 * Where the fs facade can watch (inotify), the head of the queue watches the current lock file
 * itself — not the lock's directory, where every temp write and rename of the protected file
 * would wake every waiter — and retries the moment its holder lets go; the other waiters watch
 * the small queue directory. Each lock is a new file, so the watch is set anew for every wait.
 * The backoff stays as the fallback for missed events and for facades that cannot watch (the
 * simulated disk). Resolves at once if `path` is already gone.
 */
/** How long a waiter that watches sleeps at most before it looks again on its own, unless told. */
const WATCHED_FALLBACK_MS = 100;

export async function waitForChange(fs: FsFacade, clock: Clock, path: string, stepMs: number, maxMs: number, fallbackMs = WATCHED_FALLBACK_MS): Promise<void> {
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => {
    wake = resolve;
  });
  let handle: { close(): void } | undefined;
  try {
    handle = fs.watch?.(path, () => wake());
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return; // released while we looked: retry at once
    handle = undefined; // watching is an optimisation; without it we poll
  }
  // With a watch in place the timer is only a safety net (a holder killed without a trace, a
  // missed event), so it need not fire often: every early wake-up is CPU taken from the holder.
  const ms = handle === undefined ? Math.min(stepMs, maxMs) : Math.min(Math.max(stepMs, fallbackMs), maxMs);
  try {
    await Promise.race([woken, clock.sleep(ms)]);
  } finally {
    handle?.close();
  }
}
