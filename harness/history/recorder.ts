import type { LockObserver, LockOptions } from '../../core/lock/lock.ts';
import { monotonicNs, type EventType, type RawEvent } from './history.ts';

type AcquiredEvent = Parameters<NonNullable<LockObserver['acquired']>>[0];

/**
 * When an acquire's hold and lease began, on the history's clock (ns): the hold when the lock file
 * was created, which under load may be some ms before the observer hears of it; the lease (what
 * breakers time) before that, when the lock's record was stamped.
 */
function acquireStarts(e: AcquiredEvent): { hold: number; lease: number } {
  const hold = e.observedNs ?? monotonicNs() - Math.round(e.sinceMs * 1e6);
  return { hold, lease: hold - Math.round((e.at - e.stampedAt) * 1e6) };
}

/** When a lock event happened on the history's clock: as reported after the fact, else now. */
const observed = (e: { observedNs?: number }) => e.observedNs ?? monotonicNs();

/**
 * Collects one worker's events for one iteration. `op` wraps an operation in its invoke and its
 * completion: `ok` with what it returned, `fail` with the error code when it threw.
 */
export class Recorder {
  readonly events: RawEvent[] = [];
  readonly worker: number;
  readonly iteration: number;

  private readonly sink: ((event: RawEvent) => void) | undefined;

  /** `sink`, when given, sees each event as it is recorded (process workers stream them, so a kill loses none). */
  constructor(worker: number, iteration: number, sink?: (event: RawEvent) => void) {
    this.worker = worker;
    this.iteration = iteration;
    this.sink = sink;
  }

  record(type: EventType, f: string, value: unknown, time: number = monotonicNs()): void {
    const event: RawEvent = { time, worker: this.worker, iteration: this.iteration, type, f, value };
    this.events.push(event);
    this.sink?.(event);
  }

  /**
   * Runs `fn` between an invoke and its completion. A thrown error becomes a `fail` event (not
   * rethrown), or `info` when the error says the outcome is unknown (`indeterminate`, or a lock
   * found compromised anywhere but at the check before publishing).
   */
  async op<T>(f: string, input: unknown, fn: () => Promise<T>, toValue: (result: T) => unknown = (r) => r): Promise<T | undefined> {
    this.record('invoke', f, input);
    try {
      const result = await fn();
      this.record('ok', f, toValue(result));
      return result;
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown; indeterminate?: boolean; details?: { stage?: unknown } };
      // A lock found compromised at the holder's own check before its write (stage 'check') stopped
      // the operation short of publishing: a plain fail. Found compromised later (at release), or a
      // command killed mid-way: the operation may or may not have taken effect.
      const stage = e.code === 'ECOMPROMISED' ? e.details?.stage : undefined;
      const unknown = e.indeterminate === true || (e.code === 'ECOMPROMISED' && stage !== 'check');
      const value = { error: typeof e.code === 'string' ? e.code : 'EUNKNOWN', message: String(e.message ?? err) };
      this.record(unknown ? 'info' : 'fail', f, typeof stage === 'string' ? { ...value, stage } : value);
      return undefined;
    }
  }

  /**
   * For a scenario that records a lock's acquire itself (so that any lock is judged alike): lock
   * options whose observer notes when the lock's lease began, if the lock reports it (the core's
   * does), and `withLead(value)`, the acquire's ok value with `leadMs` (how long before now the
   * lease began) when it was reported. Mutual exclusion times a broken hold's lease from there.
   */
  leaseLead(lockOptions: LockOptions): { lockOptions: LockOptions; withLead<V extends object>(value: V): V | (V & { leadMs: number }) } {
    const inner = lockOptions.observer;
    let leaseBeganNs: number | undefined;
    const observer: LockObserver = {
      ...inner,
      acquired: (e) => {
        inner?.acquired?.(e);
        leaseBeganNs = acquireStarts(e).lease;
      },
    };
    return {
      lockOptions: { ...lockOptions, observer },
      withLead: (value) => (leaseBeganNs === undefined ? value : { ...value, leadMs: (monotonicNs() - leaseBeganNs) / 1e6 }),
    };
  }

  /**
   * A lock observer that writes the lock's acquire and release as operations of their own, so
   * the mutual-exclusion checker and the hold/wait histograms see every lock the primitive takes.
   */
  lockObserver(): LockObserver {
    return {
      acquired: (e) => {
        const { hold, lease } = acquireStarts(e);
        this.record('invoke', 'acquire', { path: e.path }, hold - Math.round(e.waitedMs * 1e6));
        this.record('ok', 'acquire', { path: e.path, waitedMs: e.waitedMs, leadMs: (hold - lease) / 1e6 }, hold);
      },
      releasing: (e) => this.record('invoke', 'release', { path: e.path }, observed(e)),
      released: (e) => this.record('ok', 'release', { path: e.path, heldMs: e.heldMs }, observed(e)),
    };
  }
}
