import { performance } from 'node:perf_hooks';
import type { Clock } from '../../core/deps.ts';

/** A clock the harness moves: `advance` jumps it forward; `elapsed` is how far it has moved. */
export interface VirtualClock extends Clock {
  advance(ms: number): void;
  elapsed(): number;
}

/**
 * How far one reading moves a simulated clock, so that timestamps taken one after another differ
 * (as on a real machine). A dozen readings, what an acquire makes, stay far inside the 200 ms
 * "at once" budget.
 */
export const DEFAULT_TICK_MS = 0.25;

/**
 * Code that waits without sleeping (a loop that polls until a grace period runs out) must see
 * time pass, and in simulated time only readings can make it pass. After this many readings
 * without a sleep, each reading moves the clock by BUSY_TICK_MS instead: a 1 s busy wait then
 * costs a few hundred loop turns, not tens of thousands.
 */
export const BUSY_READS = 400;
export const BUSY_TICK_MS = 5;

function ticker(tickMs: number): { read(): number; slept(ms: number): void; total(): number } {
  let elapsed = 0;
  let sinceSleep = 0;
  return {
    read() {
      sinceSleep++;
      elapsed += sinceSleep > BUSY_READS ? Math.max(tickMs, BUSY_TICK_MS) : tickMs;
      return elapsed;
    },
    slept(ms) {
      sinceSleep = 0;
      elapsed += Math.max(0, ms);
    },
    total: () => elapsed,
  };
}

/**
 * Simulated time for the simulated disk: starts at `startWallMs`, moves only when read (by
 * `tickMs`; faster in a busy loop, see BUSY_READS) or slept on (by the whole sleep, at once). A
 * lock wait of 200 ms therefore costs microseconds, and whether a stale lock is broken "at once"
 * is decided in simulated milliseconds, exactly.
 */
export function createVirtualClock(startWallMs: number, tickMs = DEFAULT_TICK_MS): VirtualClock {
  const t = ticker(tickMs);
  return {
    now: () => startWallMs + t.read(),
    monotonic: () => t.read(),
    sleep(ms) {
      t.slept(ms);
      return Promise.resolve();
    },
    advance: (ms) => t.slept(ms),
    elapsed: () => t.total(),
  };
}

/**
 * Real time that skips its sleeps: for primitives on a real disk, whose mtimes come from the real
 * clock. `now()` stays comparable with mtimes (it runs ahead of them, never behind); a sleep
 * returns at once and moves both clocks on by its length, and readings move them on as in
 * {@link createVirtualClock}, so neither a lock wait nor a busy wait costs its length in real time.
 */
export function createSkippingClock(tickMs = DEFAULT_TICK_MS): VirtualClock {
  const t = ticker(tickMs);
  return {
    now: () => Date.now() + t.read(),
    monotonic: () => performance.now() + t.read(),
    sleep(ms) {
      t.slept(ms);
      return Promise.resolve();
    },
    advance: (ms) => t.slept(ms),
    elapsed: () => t.total(),
  };
}
