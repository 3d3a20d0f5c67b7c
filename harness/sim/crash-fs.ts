import { errnoCode } from '../../core/errors.ts';
import type { FsFacade } from '../../core/fs-facade.ts';
import { Crash } from './crash.ts';
import { cheapError } from './sim-errors.ts';
import { callArgs, callResult, FS_METHODS, type FsCall, type FsMethod } from './fs-call.ts';

/**
 * Where the world stops, counting the facade's calls from 0:
 * - `before`: call `call` never happens;
 * - `after`: call `call` happens (and returns or fails as it would), then the process dies before
 *   it sees the outcome;
 * - `mid`: call `call`, which must be a `write`, puts only its first `bytes` bytes on disk, then
 *   the process dies. A `mid` point on any other call acts as `before`.
 */
export interface CrashPoint {
  readonly call: number;
  readonly phase: 'before' | 'after' | 'mid';
  readonly bytes?: number;
}

/** A facade that dies at its crash point, and what it saw. */
export interface CrashFs {
  readonly fs: FsFacade;
  /** Every call made, up to and including the one the crash struck. */
  readonly calls: readonly FsCall[];
  /** How many calls were made (attempted) so far. */
  count(): number;
  /** Whether the process is dead. */
  crashed(): boolean;
}

/**
 * Wraps `inner` so that the process "dies" at `point` (or never, with null). Dying throws a
 * {@link Crash} and makes every later call throw one too, so nothing the primitive does afterwards
 * (cleanup in catch/finally, a lock release) reaches the disk. The fds the process still had open
 * are closed on its behalf, as the kernel does for a dead process; that changes nothing on disk.
 */
export function createCrashFs(inner: FsFacade, point: CrashPoint | null): CrashFs {
  const calls: FsCall[] = [];
  const open = new Set<number>();
  let dead = false;

  const die = (call: FsCall): never => {
    calls.push(call);
    dead = true;
    for (const fd of open) {
      try {
        inner.close(fd);
      } catch {
        // already closed: nothing to do
      }
    }
    open.clear();
    throw cheapError(() => new Crash(`simulated crash at call ${call.index} (${call.method}, ${call.outcome.slice(8)})`));
  };

  const wrap =
    (method: FsMethod) =>
    (...args: unknown[]): unknown => {
      if (dead) throw cheapError(() => new Crash('the process has crashed'));
      const index = calls.length;
      const recorded = callArgs(method, args);
      const strikes = point !== null && point.call === index;
      if (strikes && (point.phase === 'before' || (point.phase === 'mid' && method !== 'write'))) {
        return die({ index, method, args: recorded, outcome: 'crashed-before' });
      }
      if (strikes && point.phase === 'mid') {
        const data = args[1] as Uint8Array;
        const bytes = Math.max(0, Math.min(data.length, point.bytes ?? Math.floor(data.length / 2)));
        try {
          inner.write(args[0] as number, data.subarray(0, bytes));
        } catch {
          // The partial write failed (EBADF, say): the process dies all the same.
        }
        return die({ index, method, args: recorded, outcome: 'crashed-mid', wrote: bytes });
      }
      let value: unknown;
      try {
        value = (inner[method] as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        const error = errnoCode(err) ?? 'error';
        if (strikes) return die({ index, method, args: recorded, outcome: 'crashed-after', error });
        calls.push({ index, method, args: recorded, outcome: 'error', error });
        throw err;
      }
      if (method === 'openExclusive' || method === 'openTruncate') open.add(value as number);
      if (method === 'close') open.delete(args[0] as number);
      const result = callResult(method, value);
      if (strikes) return die({ index, method, args: recorded, outcome: 'crashed-after', ...(result === undefined ? {} : { result }) });
      calls.push({ index, method, args: recorded, outcome: 'ok', ...(result === undefined ? {} : { result }) });
      return value;
    };

  const fs = Object.fromEntries(FS_METHODS.map((m) => [m, wrap(m)])) as unknown as FsFacade;
  return { fs, calls, count: () => calls.length, crashed: () => dead };
}
