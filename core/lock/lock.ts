import { join } from 'node:path';
import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError, RacetrackError } from '../errors.ts';
import { breakStaleLock, removeIfSame } from './break.ts';
import { createLockFile, dropRecordName, type CreatedLock, type CreateOutcome } from './create.ts';
import { OWNED_SUFFIX_BYTES, ownedName } from './names.ts';
import { dequeue, enqueue, evictStalled, hasWaiters, queueDir, queuePosition } from './queue.ts';
import { describeHolder, judgeStale, sightLock, type LockLook, type LockRecord, type LockSighting, type StaleReason } from './record.ts';
import { sweepLockLeftovers } from './sweep.ts';
import { waitForChange } from './waker.ts';
import { checkNameFits } from '../name-limits.ts';
import { currentIdentity, pidSpaceTag, type Identity } from '../runtime.ts';
import type { Turn } from '../thread-turns.ts';

/**
 * For a lock reported after the fact (one seen in another process's trace): when the event
 * happened, on monotonicNs()'s clock (core/runtime.ts). Absent: as the call comes.
 */
export interface ObservedAt {
  readonly observedNs?: number;
}

/** What the lock reports as it works, for histories and benchmarks. All times are monotonic ms. */
export interface LockObserver {
  /**
   * The lock is ours. On the lock's monotonic clock: `at`, when the hold began (the lock file had
   * just been created); `stampedAt`, when its lease began (its record was stamped, just before the
   * create: breakers time the lock's age from there). `sinceMs`: how long after `at` this call
   * came (the dequeue and the sweep come between), for an observer on another clock.
   */
  acquired?(event: { path: string; token: string; waitedMs: number; at: number; stampedAt: number; sinceMs: number; attempts: number } & ObservedAt): void;
  /** Right before the lock file is removed: the end of the hold interval. */
  releasing?(event: { path: string; token: string; at: number } & ObservedAt): void;
  released?(event: { path: string; token: string; heldMs: number; at: number } & ObservedAt): void;
  broke?(event: { path: string; reason: StaleReason; holder: LockRecord | null; at: number }): void;
  /** Something beside the lock that racetrack did not make (in its waiter queue): left alone. */
  foreign?(event: { path: string }): void;
}

export interface LockOptions {
  /** A lock older than this (by its file's mtime, on the file system's clock) may be broken even if its holder lives. Default 5000 (as in the ID-reservation spec). */
  readonly staleMs?: number;
  /** How long to wait for the lock before ETIMEOUT. Default 10000. */
  readonly timeoutMs?: number;
  /** false: fail at once with ELOCKED when the lock is held. Default true. */
  readonly wait?: boolean;
  /** First backoff step and cap, in ms. Defaults 1 and 32. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  readonly observer?: LockObserver;
  /**
   * Queue waiters in arrival order (`<lock>.q/`), so the lock goes to them first come, first
   * served. Default true. false gives the plain race of retries (the previous behaviour).
   */
  readonly fair?: boolean;
  /**
   * Take turns with the other threads of this process (the deps' turn table) before going to the
   * lock file, so that only one of them works the file at a time. Default true. false: work the
   * file protocol alone, as a thread of another process would (simulations of a process that dies
   * holding the lock use it, since a real one takes its turn table with it).
   */
  readonly threadTurns?: boolean;
  /** Who we claim to be. Defaults to this thread's identity; tests pass others. */
  readonly identity?: Identity;
}

/** A held lock. Release it exactly once. */
export interface LockHandle {
  readonly path: string;
  readonly token: string;
  /** Monotonic ms at which the lock's lease began: its record was stamped, right before it was written. */
  readonly acquiredAt: number;
  readonly waitedMs: number;
  /**
   * Throws ECOMPROMISED unless the lock is still ours: the lock file is the one we made and we have
   * held it for less than `staleMs` (past that, any breaker may take it at any moment). Call it
   * right before the write that publishes work done under the lock. Its error carries `stage:
   * 'check'`: thrown there, it stops the caller short of that write, so a caller's caller can tell
   * the work was not published (an ECOMPROMISED from `release` carries `stage: 'release'`, and the
   * work may have been).
   */
  assertHeld(): void;
  /** Deletes the lock if it is ours; throws ECOMPROMISED if it was broken or replaced meanwhile. */
  release(): void;
}

const DEFAULTS = { staleMs: 5000, timeoutMs: 10000, retryMinMs: 1, retryMaxMs: 32 };

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RacetrackError('EINVALID', `${name} must be a non-negative number`, { [name]: value });
  return value;
}

/**
 * Starts a stopwatch on `clock` that reads the larger of the monotonic and the wall-clock time
 * elapsed. The monotonic clock stands still while the machine is suspended and the wall clock may
 * be stepped back; a lease must count every second either of them saw pass, since breakers judge
 * the lock's age by the file system's clock, which runs on through a suspend.
 */
export function startStopwatch(clock: Deps['clock']): () => number {
  const mono = clock.monotonic();
  const wall = clock.now();
  return () => Math.max(clock.monotonic() - mono, clock.now() - wall);
}

/**
 * Takes the lock file at `lockPath`, waiting with jittered exponential backoff up to a monotonic
 * deadline, and breaking a stale lock (dead holder, or expired) with exactly one winner. Excludes
 * threads of one process as well as separate processes. The lock file is created whole (its
 * record is written under a name of its own and linked into place), so anything at `lockPath`
 * without a racetrack record is not a racetrack lock: EINVALID, and it is never removed.
 */
export async function acquireLock(lockPath: string, options: LockOptions = {}, deps: Deps = defaultDeps()): Promise<LockHandle> {
  const { fs, clock, random } = deps;
  const staleMs = positive('staleMs', options.staleMs ?? DEFAULTS.staleMs);
  const timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs);
  const minStep = Math.max(0.05, options.retryMinMs ?? DEFAULTS.retryMinMs);
  const maxStep = Math.max(minStep, options.retryMaxMs ?? DEFAULTS.retryMaxMs);
  checkNameFits(lockPath, GUARD_SUFFIX_BYTES + OWNED_SUFFIX_BYTES, 'lock');
  const me = options.identity ?? currentIdentity();
  const token = random.hex(12);
  const started = clock.monotonic();
  const deadline = started + timeoutMs;
  const fair = options.fair !== false && options.wait !== false;
  const record = (): LockRecord => ({ pid: me.pid, threadId: me.threadId, host: me.host, token, startTime: me.startTime, space: pidSpaceTag(me.pidSpace), acquiredAt: clock.now() });
  const reported = new Set<string>();
  const onForeign = (path: string) => {
    if (reported.has(path)) return;
    reported.add(path);
    options.observer?.foreign?.({ path });
  };
  let step = minStep;
  let attempts = 0;
  /** Our entry in the lock's queue, once we have had to wait. */
  let entry: string | null = null;
  /** Heads that left a free lock untaken: when we first saw each, and whether we skip it now. */
  const stalledSince = new Map<string, number>();
  const skip = new Set<string>();
  /** Each lock we have seen held: when we first saw it, and before when it is young by the file system's clock. */
  const watched = new Map<string, { readonly since: number; youngUntil: number }>();
  /** Our turn among this process's threads, once we have it: only its holder works the file. */
  let turn: Turn | null = null;
  let acquired = false;
  /** Whether we broke a stale lock on the way: its holder's leftovers are swept once we hold it. */
  let broke = false;

  const look = (): LockSighting | null => {
    try {
      return sightLock(fs, lockPath);
    } catch (err) {
      throw fromFsError(err, lockPath, 'inspect lock');
    }
  };

  try {
    if (fair && options.threadTurns !== false && deps.turns) {
      const took = await deps.turns.take(lockPath, deadline - clock.monotonic(), staleMs);
      // Out of time waiting for our turn: the turn only decides who tries, so still try the file
      // once (the loop below finds the deadline passed and gives up after that one try).
      turn = took === 'timeout' ? null : took;
    }
    for (;;) {
      attempts++;
      turn?.heartbeat();
      // Whose turn is it? With nobody queued, anyone may try; once we wait, the head of the queue.
      let myTurn = true;
      let ahead: string | null = null;
      if (entry === null) {
        if (fair && hasWaiters(fs, lockPath, onForeign)) {
          entry = enqueue(fs, lockPath, record(), clock.now());
          continue;
        }
      } else {
        const position = queuePosition(fs, lockPath, entry, me, skip, onForeign);
        if (position.evicted) {
          entry = null; // our entry was evicted (we stalled at the head): queue again
          continue;
        }
        ahead = position.ahead;
        myTurn = ahead === null;
        if (ahead !== null && lockIsFree(fs, lockPath)) {
          // The lock is free but a waiter ahead of us has yet to take it. A live one does within
          // moments; one that does not (a thread that died waiting) is passed over, and its entry
          // removed after staleMs.
          const now = clock.monotonic();
          const since = stalledSince.get(ahead) ?? now;
          stalledSince.set(ahead, since);
          if (now - since > staleMs) evictStalled(fs, lockPath, ahead);
          if (now - since > HEAD_GRACE_MS) {
            skip.add(ahead);
            continue;
          }
        }
      }
      let sighting = look();
      if (sighting === null && myTurn) {
        // The lease starts when the record is stamped: breakers count the lock's age from its
        // file's mtime, written just after, so the handle's stale margin counts from the stamp.
        // The hold (for waits and hold times) starts once the lock file exists.
        const lease = startStopwatch(clock);
        const stampedAt = clock.monotonic();
        let outcome: CreateOutcome;
        try {
          outcome = createLockFile(fs, lockPath, record());
        } catch (err) {
          throw fromFsError(err, lockPath, 'create lock');
        }
        if (outcome.created) {
          const at = clock.monotonic();
          try {
            if (entry !== null) dequeue(fs, lockPath, entry);
            entry = null;
          } catch (err) {
            // Give the lock back as a release would: it is young and ours.
            giveBack(fs, outcome.lock);
            throw fromFsError(err, lockPath, 'take lock');
          }
          options.observer?.acquired?.({ path: lockPath, token, waitedMs: at - started, at, stampedAt, sinceMs: clock.monotonic() - at, attempts });
          acquired = true;
          const handle = createHandle(deps, outcome.lock, token, { stampedAt, at, lease }, at - started, staleMs, options.observer, turn);
          // Whoever died holding the lock we broke may have left more beside it: swept now that
          // the lock is ours, so that nobody else can be mid-step on it.
          if (broke) sweepQuietly(deps, handle, me);
          return handle;
        }
        sighting = look();
        if (sighting === null) continue; // released between our attempt and our look: try again at once
      }
      if (sighting !== null) {
        const key = `${sighting.stat.ino}:${sighting.record.token}`;
        const now = clock.monotonic();
        let seen = watched.get(key);
        if (seen === undefined) {
          seen = { since: now, youngUntil: -Infinity };
          watched.set(key, seen);
        }
        // Dead on proof, or old by our wall clock (confirmed against the file system's clock in
        // the break), or watched by our monotonic clock for longer than staleMs (which no clock
        // setting can fake).
        const judged = judgeStale(sighting, me, clock.now(), staleMs);
        const reason = judged === 'dead' ? 'dead' : (judged === 'expired' && now >= seen.youngUntil) || now - seen.since > staleMs ? 'expired' : null;
        if (reason !== null) {
          const result = breakStaleLock(lockPath, sighting, { fs, me, token, record: record(), staleMs, startStopwatch: () => startStopwatch(clock) });
          if (result.broke) {
            options.observer?.broke?.({ path: lockPath, reason, holder: sighting.record, at: clock.monotonic() });
            broke = true;
            continue;
          }
          if (result.youngForMs !== undefined) seen.youngUntil = clock.monotonic() + result.youngForMs;
          // Another breaker is at work, or the lock is younger than our clock said: wait like any
          // waiter, with backoff and the deadline, rather than spin.
        }
      }
      if (options.wait === false) {
        throw new RacetrackError('ELOCKED', `lock ${lockPath} is held`, { path: lockPath, ...describeHolder(sighting, clock.now()) });
      }
      // Holding our turn and finding a lock of our own process, we are looking at the thread that
      // just passed us the turn, a moment before its unlink: wait for that, not in the queue.
      const holder = sighting?.record;
      const predecessor = turn?.from != null && holder?.pid === me.pid && holder.threadId === turn.from && holder.host === me.host;
      if (fair && !predecessor) entry ??= enqueue(fs, lockPath, record(), clock.now());
      const now = clock.monotonic();
      if (now >= deadline) throw timedOut(lockPath, timeoutMs, clock.now(), sighting);
      // Decorrelated jitter for the fallback timer; the usual wake-up is a file-system event. The
      // head watches the lock file (its holder letting go); every other waiter watches only the
      // entry of the waiter right ahead of it (which goes when that one takes the lock), so each
      // hand-over wakes one waiter, not all of them.
      step = Math.min(maxStep, minStep + random.next() * step * 2);
      const target = ahead !== null ? join(queueDir(lockPath), ahead) : sighting !== null ? lockPath : queueDir(lockPath);
      // Holding a turn, wake at least twice per staleMs to heartbeat, or the threads behind us
      // would take us for dead.
      // A predecessor's unlink is a moment away: that wait looks again after the backoff step
      // whether or not the watch fires. Under Deno it mostly did not (measured: 86 of 89 such
      // waits ran out the 100 ms fallback, and each hand-over between threads cost that), though
      // a watch on a file another thread unlinks fires there in probes of the watch alone.
      await waitForChange(fs, clock, target, step, turn === null ? deadline - now : Math.min(deadline - now, Math.max(1, staleMs / 2)), predecessor ? step : undefined);
    }
  } catch (err) {
    throw err instanceof RacetrackError ? err : fromFsError(err, lockPath, 'take lock');
  } finally {
    // Only an error or a timeout gets here with an entry: theirs is the error the caller needs.
    if (entry !== null) dequeueQuietly(fs, lockPath, entry);
    if (!acquired) turn?.leave();
  }
}

function dequeueQuietly(fs: Deps['fs'], lockPath: string, entry: string): void {
  try {
    dequeue(fs, lockPath, entry);
  } catch {
    // Left behind, the entry of a live process is passed over after HEAD_GRACE_MS and removed
    // after staleMs; that of a dead one at once.
  }
}

/** After a break: what the dead holder's process may have left beside the lock. Best effort. */
function sweepQuietly(deps: Deps, lock: LockHandle, me: Identity): void {
  try {
    sweepLockLeftovers(lock, deps, me);
  } catch {
    // The lock is ours either way; `racetrack recover` sweeps again.
  }
}

/** The ETIMEOUT of a waiter that ran out of time, naming the holder it last saw. */
function timedOut(lockPath: string, timeoutMs: number, now: number, sighting: LockSighting | null): RacetrackError {
  return new RacetrackError('ETIMEOUT', `timed out after ${timeoutMs} ms waiting for lock ${lockPath}`, {
    path: lockPath,
    timeoutMs,
    ...describeHolder(sighting, now),
  });
}

/** The longest suffix racetrack puts after a lock path: the break guard's record name. */
const GUARD_SUFFIX_BYTES = '.breaking'.length;

/** How long the head of the queue may leave a free lock untaken before the others go past it. */
const HEAD_GRACE_MS = 100;

/**
 * How long a holder may treat its lock as certainly its own, given the age (`staleMs`) at which
 * breakers may take it. A breaker judges age by the file system's clock; the holder judges its own
 * by its stopwatch. The margin keeps the two from ever disagreeing about whether the lock is
 * still young.
 */
function safeAgeFor(staleMs: number): number {
  return staleMs - Math.min(1000, staleMs / 4);
}

/**
 * Whether the lock file is still the one we created: same inode, and our record name (which keeps
 * that inode from being reused while it exists) is still there. Two lstats, no reads.
 */
function stillOurs(fs: Deps['fs'], lock: CreatedLock): boolean {
  try {
    return fs.lstat(lock.path).ino === lock.ino && fs.lstat(lock.recName).ino === lock.ino;
  } catch {
    return false; // gone, or out of reach: a full look says which
  }
}

/** Gives back a lock we just created: it is young and ours, so removing it by path is safe. */
function giveBack(fs: Deps['fs'], lock: CreatedLock): void {
  try {
    if (stillOurs(fs, lock)) fs.unlink(lock.path);
  } catch {
    // Gone already, or out of reach: the caller's own error says more.
  }
  dropRecordName(fs, lock);
}

function lockIsFree(fs: Deps['fs'], lockPath: string): boolean {
  try {
    fs.lstat(lockPath);
    return false;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return true;
    throw err;
  }
}

function createHandle(
  deps: Deps,
  lock: CreatedLock,
  token: string,
  /** When the lease began (`lease`, and `stampedAt` on the monotonic clock) and when the hold began (held times count from `at`). */
  began: { readonly stampedAt: number; readonly at: number; readonly lease: () => number },
  waitedMs: number,
  staleMs: number,
  observer: LockObserver | undefined,
  turn: Turn | null,
): LockHandle {
  const { fs, clock } = deps;
  const { path } = lock;
  const safeAge = safeAgeFor(staleMs);
  let released = false;

  const compromised = (stage: 'check' | 'release', why: string, details: Record<string, unknown> = {}) =>
    new RacetrackError('ECOMPROMISED', `lock ${path} was compromised: ${why}`, { path, token, ...details, stage });

  /** Who holds the lock now, for an error's details (never throws: the lock is lost either way). */
  const holderNow = (): Record<string, unknown> => {
    try {
      return describeHolder(sightLock(fs, path), clock.now());
    } catch {
      return { holder: null };
    }
  };

  return {
    path,
    token,
    acquiredAt: began.stampedAt,
    waitedMs,
    assertHeld() {
      if (released) throw compromised('check', 'already released');
      const age = began.lease();
      if (age >= safeAge) throw compromised('check', `held for ${Math.round(age)} ms, past the stale limit`, { heldMs: age, staleMs });
      if (!stillOurs(fs, lock)) throw compromised('check', 'the lock file is gone or belongs to another holder', holderNow());
    },
    release() {
      if (released) throw compromised('release', 'released twice');
      released = true;
      const at = clock.monotonic();
      try {
        observer?.releasing?.({ path, token, at });
        const ours = stillOurs(fs, lock);
        if (ours && began.lease() < safeAge) {
          // Young and ours: no breaker may touch a live holder's lock yet, so deleting by path is
          // safe. The next thread of this process is woken first, so that its wake-up overlaps
          // our unlink (should it still find the file, it waits for the unlink like any waiter).
          turn?.leave();
          fs.unlink(path);
        } else {
          if (!ours) throw compromised('release', 'the lock file is gone or belongs to another holder', holderNow());
          const isOurs = (look: LockLook) => look.stat.ino === lock.ino && (look.record === null || look.record.token === token);
          if (!removeIfSame(fs, path, isOurs, ownedName(path, 'released', lock.stamp))) {
            throw compromised('release', 'the lock was broken while we held it past the stale limit');
          }
        }
      } catch (err) {
        throw err instanceof RacetrackError ? err : fromFsError(err, path, 'release lock');
      } finally {
        // The file is gone (or was never ours): the next thread of this process may try. Our
        // record name goes last, so that the lock never exists without it.
        turn?.leave();
        dropRecordName(fs, lock);
      }
      observer?.released?.({ path, token, heldMs: at - began.at, at });
    },
  };
}

/**
 * Runs `fn` holding the lock at `lockPath` and releases it afterwards, even if `fn` throws. If the
 * lock turns out to have been compromised, throws ECOMPROMISED (after `fn`'s own error, if any).
 */
export async function withLock<T>(lockPath: string, fn: (lock: LockHandle) => T | Promise<T>, options: LockOptions = {}, deps: Deps = defaultDeps()): Promise<T> {
  const lock = await acquireLock(lockPath, options, deps);
  let result: T;
  try {
    result = await fn(lock);
  } catch (err) {
    try {
      lock.release();
    } catch {
      // fn's own error is the one the caller needs; a compromised release adds nothing to it.
    }
    throw err;
  }
  lock.release();
  return result;
}
