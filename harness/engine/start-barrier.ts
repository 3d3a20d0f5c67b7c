// The one start barrier: it releases N workers at once, so that they all hit the primitive at the
// same instant. Threads and processes need different means to the same end.
//
// Threads share memory: each party adds itself to a counter in a SharedArrayBuffer and sleeps on
// a generation word with Atomics.wait; the last to arrive resets the counter and bumps the
// generation, which wakes them all within microseconds. Bumping a generation (rather than giving
// each round a slot of its own) lets a barrier serve any number of rounds, and an abort word
// lets a failing party tell the others to stop waiting for a party that will never come.
//
// Processes share no memory but a clock. Once all have arrived (each says so over its pipe), the
// parent sends every one the same instant a few milliseconds ahead; each sleeps until just
// before it and spins for the rest, so they start within microseconds of each other, which a
// "go" message read by each in turn would not achieve.
import { performance } from 'node:perf_hooks';
import { detectRuntime, monotonicNs, type RuntimeInfo } from '../../core/runtime.ts';

const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;

/** A new start barrier for threads, to hand to every party (it is shared, not copied). */
export function newThreadBarrier(): SharedArrayBuffer {
  return new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * Blocks the calling thread until `parties` threads have called it on `barrier` for this round.
 * Throws once the barrier is aborted: the round can no longer complete.
 */
export function waitAtThreadBarrier(barrier: SharedArrayBuffer, parties: number): void {
  const words = new Int32Array(barrier);
  const generation = Atomics.load(words, GENERATION);
  if (Atomics.add(words, ARRIVED, 1) + 1 >= parties) {
    Atomics.store(words, ARRIVED, 0);
    Atomics.add(words, GENERATION, 1);
    Atomics.notify(words, GENERATION);
    return;
  }
  while (Atomics.load(words, GENERATION) === generation) {
    // Not a RacetrackError: only the parent sees it, and it already has the failure that caused it.
    if (Atomics.load(words, ABORTED) !== 0) throw new Error('the start barrier was aborted: another worker failed, or the run was stopped');
    Atomics.wait(words, GENERATION, generation, 100);
  }
}

/** Releases every thread waiting at `barrier`, and any that comes later, with an error. */
export function abortThreadBarrier(barrier: SharedArrayBuffer): void {
  const words = new Int32Array(barrier);
  Atomics.store(words, ABORTED, 1);
  Atomics.notify(words, GENERATION);
}

/**
 * The instant at which processes start: on the clock of the runtime that chose it (monotonicNs,
 * which every process of one runtime shares), and on the wall clock for a process of the other
 * runtime, whose monotonicNs counts from elsewhere.
 */
export interface StartInstant {
  readonly runtime: RuntimeInfo['name'];
  readonly ns: number;
  readonly wallMs: number;
}

function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The instant `marginMs` from now: long enough for every process to read it before it comes. */
export function startInstant(marginMs: number): StartInstant {
  return { runtime: detectRuntime().name, ns: monotonicNs() + marginMs * 1e6, wallMs: wallMs() + marginMs };
}

/** Sleeps until `ns` on monotonicNs; spins for the last 2 ms, which a timer cannot hit precisely. */
async function untilNs(ns: number): Promise<void> {
  const sleepMs = (ns - monotonicNs()) / 1e6 - 2;
  if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
  while (monotonicNs() < ns) {
    // spin
  }
}

/** Waits for `at` (at once if it has passed). */
export function untilInstant(at: StartInstant): Promise<void> {
  const ns = at.runtime === detectRuntime().name ? at.ns : monotonicNs() + (at.wallMs - wallMs()) * 1e6;
  return untilNs(ns);
}
