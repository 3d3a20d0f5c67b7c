import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getEnvironmentData, setEnvironmentData, threadId } from 'node:worker_threads';

// The threads of one process take turns at a lock in shared memory before any of them goes to the
// lock file. Only the thread whose turn it is works the file protocol (O_EXCL creation, the waiter
// queue, the wake-ups); the others sleep on a word of shared memory and are woken, one at a time
// and in arrival order, by the thread before them. A hand-over inside a process then costs one
// Atomics.notify instead of a file-system event, and ten threads put one waiter, not ten, into
// the lock's queue directory.
//
// The turn decides only who *tries*: the lock is still taken by creating the lock file, so
// whatever goes wrong here (a thread that dies holding its turn, a table that fills up, two lock
// paths that hash alike) costs time or order, never exclusion. Every wait is bounded: a turn that
// makes no progress for `staleMs` is passed over, as a stale lock file would be broken.
//
// Layout of the shared buffer, all Int32 words:
//   word 0          the table mutex (0 free, 1 held), guarding slot lookup, entry and exit
//   word 1          the layout (so a buffer laid out otherwise is never used)
//   slot i, from word HEADER + i * SLOT_WORDS:
//     KEY           hash of the lock's absolute path (0: the slot is free)
//     USERS         threads holding or waiting for a turn at this slot
//     NEXT          the next ticket to hand out
//     SERVING       the ticket whose turn it is
//     BEAT          wall-clock ms (wrapping int32) at which the turn's holder last showed life
//     PASSER        thread id of the thread that passed the turn on (-1: passed over)
//     WAKE + k      bumped and notified when ticket ≡ k (mod WAKE_WORDS) gets its turn
//     GONE + k      ~ticket of a waiter that gave up, so its turn is passed on at once
// At most WAKE_WORDS tickets of a slot are ever pending (a thread that would be one more goes to
// the file alone), so no two pending tickets share a WAKE or GONE word.

const SLOTS = 128;
const WAKE_WORDS = 32;
const KEY = 0;
const USERS = 1;
const NEXT = 2;
const SERVING = 3;
const BEAT = 4;
const PASSER = 5;
const WAKE = 6;
const GONE = WAKE + WAKE_WORDS;
const SLOT_WORDS = GONE + WAKE_WORDS;
const HEADER = 2;
const INT_WORDS = HEADER + SLOTS * SLOT_WORDS;
/** The layout, as written in word 1 and in the environment-data key. */
const LAYOUT = 2 * 1_000_000 + SLOTS * 1000 + WAKE_WORDS;
/** The size of a turn table's shared buffer. */
export const TURN_TABLE_BYTES = INT_WORDS * 4;

/** How long a waiter sleeps at most before it looks again on its own (missed wake-ups, stale turns). */
const FALLBACK_MS = 100;
/** How long the table mutex may stay held before a waiter takes it over (its holder died in it). */
const TABLE_MUTEX_STALE_MS = 1000;

/** One thread's turn at one lock: keep it while trying for and holding the lock file. */
export interface Turn {
  /** The thread id of the thread that passed us the turn, or null (first in line, or passed over). */
  readonly from: number | null;
  /** Tells the threads waiting behind that the holder of the turn is alive and working. */
  heartbeat(): void;
  /** Passes the turn on to the next thread (or frees the slot). Idempotent. */
  leave(): void;
}

/** The turns of a process's threads, over one shared buffer. */
export interface TurnTable {
  /**
   * Waits for this thread's turn at the lock at `lockPath`, at most `maxWaitMs`. Resolves to the
   * turn, to 'timeout', or to null when the table has no room (then go to the file directly).
   */
  take(lockPath: string, maxWaitMs: number, staleMs: number): Promise<Turn | 'timeout' | null>;
}

const wallNow = (): number => performance.timeOrigin + performance.now();
/** Wall-clock ms as a wrapping int32: differences stay right for 24 days either way. */
const beatNow = (): number => Math.floor(wallNow()) | 0;

/** 32-bit FNV-1a of the path's UTF-16 units, never 0 (0 marks a free slot). */
function pathKey(lockPath: string): number {
  const path = resolve(lockPath);
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h === 0 ? 1 : h | 0;
}

/** A fresh, empty turn table buffer. */
export function createTurnTableBuffer(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(TURN_TABLE_BYTES);
  const words = new Int32Array(buffer);
  for (let slot = 0; slot < SLOTS; slot++) {
    // A mark no ticket matches until the counters wrap (0 would match ticket -1).
    for (let k = 0; k < WAKE_WORDS; k++) words[HEADER + slot * SLOT_WORDS + GONE + k] = ~(k - WAKE_WORDS);
  }
  Atomics.store(words, 1, LAYOUT);
  return buffer;
}

/** The turn table over `buffer`, or null if the buffer is not one (wrong size or version). */
export function turnTableOver(buffer: SharedArrayBuffer): TurnTable | null {
  if (buffer.byteLength !== TURN_TABLE_BYTES) return null;
  const words = new Int32Array(buffer);
  if (Atomics.load(words, 1) !== LAYOUT) return null;
  const at = (slot: number, field: number) => HEADER + slot * SLOT_WORDS + field;

  function lockTable(): void {
    let spins = 0;
    let since = 0;
    while (Atomics.compareExchange(words, 0, 0, 1) !== 0) {
      if (++spins < 64) continue;
      since ||= wallNow();
      if (wallNow() - since > TABLE_MUTEX_STALE_MS) {
        // Its holder died inside a few-microsecond section: take the mutex over. At worst two
        // threads edit the table at once, which can only cost ordering (see above).
        Atomics.store(words, 0, 1);
        return;
      }
      try {
        Atomics.wait(words, 0, 1, 1);
      } catch {
        // A thread that may not block (a browser main thread): keep spinning.
      }
    }
  }

  function unlockTable(): void {
    Atomics.store(words, 0, 0);
    Atomics.notify(words, 0, 1);
  }

  /**
   * Finds or claims the slot for `key`, joins it and draws a ticket; null if the table is full or
   * the slot has WAKE_WORDS tickets pending already.
   */
  function enter(key: number): { slot: number; ticket: number } | null {
    lockTable();
    try {
      let free = -1;
      for (let probe = 0; probe < SLOTS; probe++) {
        const slot = ((key >>> 0) + probe) % SLOTS;
        const k = Atomics.load(words, at(slot, KEY));
        if (k === key) return ((Atomics.load(words, at(slot, NEXT)) - Atomics.load(words, at(slot, SERVING))) | 0) >= WAKE_WORDS ? null : join(slot);
        if (k === 0 && free < 0) free = slot;
      }
      if (free < 0) return null;
      Atomics.store(words, at(free, KEY), key);
      return join(free);
    } finally {
      unlockTable();
    }
  }

  function join(slot: number): { slot: number; ticket: number } {
    Atomics.add(words, at(slot, USERS), 1);
    const ticket = Atomics.add(words, at(slot, NEXT), 1);
    if (ticket === Atomics.load(words, at(slot, SERVING))) {
      Atomics.store(words, at(slot, BEAT), beatNow());
      Atomics.store(words, at(slot, PASSER), -1);
    }
    return { slot, ticket };
  }

  function exit(slot: number): void {
    lockTable();
    try {
      if (Atomics.sub(words, at(slot, USERS), 1) === 1) Atomics.store(words, at(slot, KEY), 0);
    } finally {
      unlockTable();
    }
  }

  /**
   * Moves the turn from `ticket` to the next waiter that has not given up, and wakes it. `passer`
   * is the thread id of the holder handing it on, or -1 when a stalled turn is passed over.
   */
  function pass(slot: number, ticket: number, passer: number): void {
    let from = ticket;
    for (;;) {
      const next = (from + 1) | 0;
      if (Atomics.compareExchange(words, at(slot, SERVING), from, next) !== from) return; // passed on already
      Atomics.store(words, at(slot, BEAT), beatNow());
      Atomics.store(words, at(slot, PASSER), passer);
      const k = next & (WAKE_WORDS - 1);
      if (Atomics.load(words, at(slot, GONE + k)) === ~next) {
        from = next; // that waiter gave up: pass over it too
        continue;
      }
      Atomics.add(words, at(slot, WAKE + k), 1);
      Atomics.notify(words, at(slot, WAKE + k));
      return;
    }
  }

  async function sleepOn(index: number, value: number, ms: number): Promise<void> {
    const waiting = Atomics.waitAsync(words, index, value, ms);
    if (!waiting.async) return;
    // A pending waitAsync neither keeps the event loop alive nor, in Node, times out reliably
    // once the loop has nothing else to do; a timer of our own bounds the sleep.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    try {
      await Promise.race([waiting.value, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async take(lockPath, maxWaitMs, staleMs) {
      const entered = enter(pathKey(lockPath));
      if (entered === null) return null;
      const { slot, ticket } = entered;
      const k = ticket & (WAKE_WORDS - 1);
      const deadline = wallNow() + maxWaitMs;
      let seen = Atomics.load(words, at(slot, SERVING));
      let seenAt = wallNow();
      for (;;) {
        const wake = Atomics.load(words, at(slot, WAKE + k));
        const serving = Atomics.load(words, at(slot, SERVING));
        if (((ticket - serving) | 0) <= 0) break; // our turn (or passed: then we simply go on)
        const now = wallNow();
        if (serving !== seen) {
          seen = serving;
          seenAt = now;
        }
        const beatAge = (beatNow() - Atomics.load(words, at(slot, BEAT))) | 0;
        if (now - seenAt > staleMs && beatAge > staleMs) {
          pass(slot, serving, -1); // its holder shows no sign of life: pass it over
          continue;
        }
        if (now >= deadline) {
          Atomics.store(words, at(slot, GONE + k), ~ticket);
          // If our turn came just as we gave up, nobody else will pass it on.
          if (Atomics.load(words, at(slot, SERVING)) === ticket) pass(slot, ticket, -1);
          exit(slot);
          return 'timeout';
        }
        await sleepOn(at(slot, WAKE + k), wake, Math.max(1, Math.min(FALLBACK_MS, deadline - now)));
      }
      let left = false;
      const passer = Atomics.load(words, at(slot, PASSER));
      return {
        from: Atomics.load(words, at(slot, SERVING)) === ticket && passer >= 0 ? passer : null,
        heartbeat() {
          // Only while the turn is still ours: a holder that was passed over must not make the
          // turn's new holder look alive.
          if (!left && Atomics.load(words, at(slot, SERVING)) === ticket) Atomics.store(words, at(slot, BEAT), beatNow());
        },
        leave() {
          if (left) return;
          left = true;
          pass(slot, ticket, threadId);
          exit(slot);
        },
      };
    },
  };
}

const SHARED_KEY = `racetrack.turn-table.${LAYOUT}`;

/**
 * The turn table of this process: the one its spawning thread handed down (worker threads inherit
 * their parent's environment data, and with it the same shared memory), or a new one, handed down
 * in turn to the threads this one spawns. Made when the module loads, so a program that imports
 * racetrack before it starts its workers shares one table among all of them. Null where the
 * runtime offers no shared memory.
 */
function processTurnTable(): TurnTable | null {
  try {
    const inherited = getEnvironmentData(SHARED_KEY);
    if (inherited instanceof SharedArrayBuffer) {
      const table = turnTableOver(inherited);
      if (table !== null) return table;
    }
    const buffer = createTurnTableBuffer();
    setEnvironmentData(SHARED_KEY, buffer);
    return turnTableOver(buffer);
  } catch {
    return null;
  }
}

const PROCESS_TURNS = processTurnTable();

/** The turn table every thread of this process shares (null without shared memory). */
export function processTurns(): TurnTable | null {
  return PROCESS_TURNS;
}
