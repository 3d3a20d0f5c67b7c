import { seededRandom } from '../stats/prng.ts';

/** The real-process faults of a run (`--isolation process` only). */
export interface ProcessFaults {
  /** Probability that a given worker is SIGKILLed during a given iteration. */
  readonly killRate: number;
  /** Probability that an iteration SIGSTOPs one lock holder past staleMs, then SIGCONTs it. */
  readonly pauseRate: number;
  readonly staleMs: number;
}

/** What the nemesis will do in one iteration: who is killed after how long, and whether to pause a holder. */
export interface IterationFaults {
  /** worker -> ms after the common start at which it is SIGKILLed. */
  readonly kills: ReadonlyMap<number, number>;
  readonly pause: boolean;
}

/** Longest delay of a kill after the start of an iteration: the operations under test take a few ms. */
const KILL_WINDOW_MS = 4;

/** Draws an iteration's faults from the run's seed, so a faulted run replays. */
export function planFaults(faults: ProcessFaults, seed: number, iteration: number, workers: number): IterationFaults {
  const random = seededRandom(seed, 0x6e656d, iteration);
  const kills = new Map<number, number>();
  for (let w = 0; w < workers; w++) {
    if (random() < faults.killRate) kills.set(w, random() * KILL_WINDOW_MS);
  }
  return { kills, pause: random() < faults.pauseRate };
}
