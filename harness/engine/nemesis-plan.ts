import { seededRandom } from '../stats/prng.ts';

/** The real-process faults of a run (`--isolation process` only). */
export interface ProcessFaults {
  /** Probability that a given worker is SIGKILLed during a given iteration. */
  readonly killRate: number;
  /** Probability that an iteration SIGSTOPs one lock holder past staleMs, then SIGCONTs it. */
  readonly pauseRate: number;
  readonly staleMs: number;
}

/** What the nemesis will do in one iteration: who is killed when, and whether to pause a holder. */
export interface IterationFaults {
  /** worker -> when it is SIGKILLed, as a share (0 to 1) of the kill window after the common start (see killWindowMs). */
  readonly kills: ReadonlyMap<number, number>;
  readonly pause: boolean;
}

/** The kill window's least: the core's operations take a few ms. */
export const MIN_KILL_WINDOW_MS = 4;
/** How many of the latest timed workers the kill window is measured from. */
const TIMED_WORKERS = 64;

/**
 * How long after the start the nemesis may kill a worker, in ms: the 90th percentile of how long
 * the latest workers that were not killed took from the start to the end of their part (their
 * operation's real duration, a command's start-up included), so that kills spread over the
 * operation rather than landing before a script has even started; at least MIN_KILL_WINDOW_MS.
 * `timedMs` is every such duration so far, oldest first.
 */
export function killWindowMs(timedMs: readonly number[]): number {
  const recent = timedMs.slice(-TIMED_WORKERS).sort((a, b) => a - b);
  if (recent.length === 0) return MIN_KILL_WINDOW_MS;
  return Math.max(MIN_KILL_WINDOW_MS, recent[Math.min(recent.length - 1, Math.floor(recent.length * 0.9))]!);
}

/** Draws an iteration's faults from the run's seed, so a faulted run replays. */
export function planFaults(faults: ProcessFaults, seed: number, iteration: number, workers: number): IterationFaults {
  const random = seededRandom(seed, 0x6e656d, iteration);
  const kills = new Map<number, number>();
  for (let w = 0; w < workers; w++) {
    if (random() < faults.killRate) kills.set(w, random());
  }
  return { kills, pause: random() < faults.pauseRate };
}
