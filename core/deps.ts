import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createRealFs, type FsFacade } from './fs-facade.ts';
import { processTurns, type TurnTable } from './thread-turns.ts';

/** Time, injected so tests and simulations can control it. */
export interface Clock {
  /**
   * Wall-clock milliseconds since the epoch (comparable across processes, e.g. with mtimes), with a
   * fraction: lock waiters that queue within one millisecond are still ordered by arrival.
   */
  now(): number;
  /** Monotonic milliseconds (for deadlines and durations within one process). */
  monotonic(): number;
  sleep(ms: number): Promise<void>;
}

/** Randomness, injected so jitter and names are reproducible under a seed. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
}

/** Everything a primitive reaches outside itself for. */
export interface Deps {
  readonly fs: FsFacade;
  readonly clock: Clock;
  readonly random: Random;
  /**
   * Where the threads of this process take turns at a lock before going to its file (see
   * core/thread-turns.ts). Absent or null: every thread works the file protocol alone, as
   * simulations and fuzzers want.
   */
  readonly turns?: TurnTable | null;
}

/** How far the high-resolution wall clock may drift from Date.now() before it is anchored anew. */
const MAX_DRIFT_MS = 2;

let anchor = Date.now() - performance.now();

/**
 * Wall-clock ms with a fraction: performance.now() anchored to Date.now(). The anchor is renewed
 * whenever the two part by more than MAX_DRIFT_MS, since performance.now() stands still while the
 * machine is suspended (and both may be stepped): a long-lived process must not fall behind the
 * time every other process and the file system see.
 */
function wallNow(): number {
  const t = anchor + performance.now();
  const d = Date.now();
  if (Math.abs(t - d) <= MAX_DRIFT_MS) return t;
  anchor = d - performance.now();
  return d;
}

export const systemClock: Clock = {
  now: wallNow,
  monotonic: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const systemRandom: Random = {
  next: () => Math.random(),
  hex: (bytes) => randomBytes(bytes).toString('hex'),
};

/**
 * Real fs, the system clock, crypto-strength names and the process's shared turn table: what the
 * CLI and library users get.
 */
export function defaultDeps(overrides: Partial<Deps> = {}): Deps {
  return {
    fs: overrides.fs ?? createRealFs(),
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? systemRandom,
    turns: overrides.turns === undefined ? processTurns() : overrides.turns,
  };
}
