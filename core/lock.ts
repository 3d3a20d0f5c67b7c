import { join } from 'node:path';
import { defaultDeps, type Deps } from './deps.ts';
import { errnoCode, fromFsError, RacetrackError } from './errors.ts';
import { breakStaleLock, removeIfSame, sweepBreakLeftovers } from './lock-break.ts';
import { waitForChange } from './lock-waker.ts';
import { dequeue, enqueue, evictStalled, hasWaiters, queueDir, queuePosition } from './lock-queue.ts';
import { describeHolder, encodeLockRecord, judgeStale, parseLockRecord, sightLock, type LockRecord, type LockSighting, type StaleReason } from './lock-record.ts';
import { currentIdentity, type Identity } from './runtime.ts';
import type { Turn } from './thread-queue.ts';

/** What the lock reports as it works, for histories and benchmarks. All times are monotonic ms. */
export interface LockObserver {
  /**
   * The lock is ours. On the lock's monotonic clock: `at`, when the hold began (the lock file had
   * just been created); `stampedAt`, when its lease began (its record was stamped, just before the
   * create: breakers time the lock's age from there). `sinceMs`: how long after `at` this call
   * came (the dequeue and the sweep come between), for an observer on another clock.
   */
  acquired?(event: { path: string; token: string; waitedMs: number; at: number; stampedAt: number; sinceMs: number; attempts: number }): void;
  /** Right before the lock file is removed: the end of the hold interval. */
  releasing?(event: { path: string; token: string; at: number }): void;
  released?(event: { path: string; token: string; heldMs: number; at: number }): void;
  broke?(event: { path: string; reason: StaleReason; holder: LockRecord | null; at: number }): void;
}

export interface LockOptions {
  /** A lock older than this may be broken even if its holder lives. Default 5000 (as in the seed). */
  readonly staleMs?: number;
  /** How long to wait for the lock before ETIMEOUT. Default 10000. */
  readonly timeoutMs?: number;
  /** false: fail at once with ELOCKED when the lock is held. Default true. */
  readonly wait?: boolean;
  /** Grace for an empty or half-written owner record. Default min(1000, staleMs). */
  readonly graceMs?: number;
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
  /** Monotonic ms at which the lock's lease began: its record was stamped, right before the file was created. */
  readonly acquiredAt: number;
  readonly waitedMs: number;
  /**
   * Throws ECOMPROMISED unless the lock is still ours: the file holds our token and we have held it
   * for less than `staleMs` (past that, any breaker may take it at any moment). Call it right before
   * the write that publishes work done under the lock. Its error carries `stage: 'check'`: thrown
   * there, it stops the caller short of that write, so a caller's caller can tell the work was not
   * published (an ECOMPROMISED from `release` carries `stage: 'release'`, and the work may have been).
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
 * Takes the `O_EXCL` lock file at `lockPath`, waiting with jittered exponential backoff up to a
 * monotonic deadline, and breaking a stale lock (dead holder, expired, or unreadable past its
 * grace) with exactly one winner. Excludes threads of one process as well as separate processes.
 */
export async function acquireLock(lockPath: string, options: LockOptions = {}, deps: Deps = defaultDeps()): Promise<LockHandle> {
  const { fs, clock, random } = deps;
  const staleMs = positive('staleMs', options.staleMs ?? DEFAULTS.staleMs);
  const timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs);
  const graceMs = positive('graceMs', options.graceMs ?? Math.min(1000, staleMs));
  const minStep = Math.max(0.05, options.retryMinMs ?? DEFAULTS.retryMinMs);
  const maxStep = Math.max(minStep, options.retryMaxMs ?? DEFAULTS.retryMaxMs);
  const me = options.identity ?? currentIdentity();
  const token = random.hex(12);
  const started = clock.monotonic();
  const deadline = started + timeoutMs;
  const rules = { staleMs, graceMs };
  const fair = options.fair !== false && options.wait !== false;
  const record = (): LockRecord => ({ pid: me.pid, threadId: me.threadId, host: me.host, token, startTime: me.startTime, acquiredAt: clock.now() });
  let step = minStep;
  let attempts = 0;
  /** Our entry in the lock's queue, once we have had to wait. */
  let entry: string | null = null;
  /** Heads that left a free lock untaken: when we first saw each, and whether we skip it now. */
  const stalledSince = new Map<string, number>();
  const skip = new Set<string>();
  /** Our turn among this process's threads, once we have it: only its holder works the file. */
  let turn: Turn | null = null;
  let acquired = false;

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
        if (fair && hasWaiters(fs, lockPath)) {
          entry = enqueue(fs, lockPath, record(), clock.now());
          continue;
        }
      } else {
        const position = queuePosition(fs, lockPath, entry, me, skip);
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
      // The lease starts when the record is stamped: breakers count the lock's age from that
      // stamp, so the handle's stale margin counts from it too, even if this thread is descheduled
      // for a while before the file is created. The hold (for waits and hold times) starts once
      // the file exists.
      const stampedAt = clock.monotonic();
      if (myTurn && tryCreate(deps, lockPath, record(), graceMs)) {
        const at = clock.monotonic();
        try {
          if (entry !== null) dequeue(fs, lockPath, entry);
          entry = null;
          // A guard still unreadable is looked at again until it is readable or past its grace, as
          // long as the caller's deadline allows (a caller that would not wait looks once).
          const sweepMs = options.wait === false ? 0 : Math.min(graceMs, deadline - at);
          for (let waited = 0; sweepBreakLeftovers(fs, lockPath, me, clock.now(), rules) === 'wait' && waited < sweepMs; waited += SWEEP_STEP_MS) {
            await clock.sleep(SWEEP_STEP_MS);
          }
        } catch (err) {
          // Give the lock back as a release would: by path while it is young and ours; once old,
          // a breaker may have replaced it, so leave it to age out.
          if (clock.monotonic() - stampedAt < safeAgeFor(staleMs) && holdsToken(fs, lockPath, token)) unlinkQuietly(fs, lockPath);
          throw fromFsError(err, lockPath, 'take lock');
        }
        options.observer?.acquired?.({ path: lockPath, token, waitedMs: at - started, at, stampedAt, sinceMs: clock.monotonic() - at, attempts });
        acquired = true;
        return createHandle(deps, lockPath, token, { stampedAt, at }, at - started, staleMs, options.observer, turn);
      }
      let sighting: LockSighting | null;
      try {
        sighting = sightLock(fs, lockPath);
      } catch (err) {
        throw fromFsError(err, lockPath, 'inspect lock');
      }
      if (sighting === null && myTurn) continue; // released between our attempt and our look: try again at once
      if (sighting !== null) {
        if (sighting.stat.isSymbolicLink || !sighting.stat.isFile) {
          throw new RacetrackError('EINVALID', `lock path ${lockPath} is not a regular file; refusing to follow or remove it`, { path: lockPath });
        }
        const reason = judgeStale(sighting, me, clock.now(), rules);
        if (reason !== null) {
          const broke = breakStaleLock(lockPath, sighting, { fs, me, token, now: clock.now(), monotonic: () => clock.monotonic(), rules });
          if (broke) {
            options.observer?.broke?.({ path: lockPath, reason, holder: sighting.record, at: clock.monotonic() });
            continue;
          }
          // Another breaker is at work (or its guard is still being written): wait like any waiter,
          // with backoff and the deadline, rather than spin.
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
      const watched = ahead !== null ? join(queueDir(lockPath), ahead) : sighting !== null ? lockPath : queueDir(lockPath);
      // Holding a turn, wake at least twice per staleMs to heartbeat, or the threads behind us
      // would take us for dead.
      await waitForChange(fs, clock, watched, step, turn === null ? deadline - now : Math.min(deadline - now, Math.max(1, staleMs / 2)));
    }
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

/** The ETIMEOUT of a waiter that ran out of time, naming the holder it last saw. */
function timedOut(lockPath: string, timeoutMs: number, now: number, sighting: LockSighting | null): RacetrackError {
  return new RacetrackError('ETIMEOUT', `timed out after ${timeoutMs} ms waiting for lock ${lockPath}`, {
    path: lockPath,
    timeoutMs,
    ...describeHolder(sighting, now),
  });
}

/** How often a new holder looks again at a break guard that is still being written. */
const SWEEP_STEP_MS = 10;

/** How long the head of the queue may leave a free lock untaken before the others go past it. */
const HEAD_GRACE_MS = 100;

/**
 * How long a holder may treat its lock as certainly its own, given the age (`staleMs`, or
 * `graceMs` for a lock without a readable record) at which breakers may take it. A breaker judges
 * age by wall clock; the holder judges its own by the monotonic clock. The margin keeps the two
 * from ever disagreeing about whether the lock is still young.
 */
function safeAgeFor(staleMs: number): number {
  return staleMs - Math.min(1000, staleMs / 4);
}

/** The quick look: one read (no symlink followed) of a lock file that still holds `token`. */
function holdsToken(fs: Deps['fs'], path: string, token: string): boolean {
  try {
    return parseLockRecord(fs.readFile(path))?.token === token;
  } catch {
    return false; // gone, a symlink, unreadable: a full look says which
  }
}

function unlinkQuietly(fs: Deps['fs'], path: string): void {
  try {
    fs.unlink(path);
  } catch {
    // Gone already, or out of reach: the caller's own error says more.
  }
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

/**
 * Creates the lock file with our record. false if it exists; throws on any other failure. A lock
 * whose record could not be written is taken back while it is young enough that no breaker can
 * have judged it (a record-less lock is broken only after `graceMs`), rather than left for every
 * other waiter to wait out.
 */
function tryCreate(deps: Deps, lockPath: string, record: LockRecord, graceMs: number): boolean {
  let fd: number;
  try {
    fd = deps.fs.openExclusive(lockPath);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw fromFsError(err, lockPath, 'create lock');
  }
  const created = deps.clock.monotonic();
  try {
    deps.fs.write(fd, encodeLockRecord(record));
  } catch (err) {
    if (deps.clock.monotonic() - created < safeAgeFor(graceMs)) unlinkQuietly(deps.fs, lockPath);
    throw fromFsError(err, lockPath, 'write the record of lock');
  } finally {
    deps.fs.close(fd);
  }
  return true;
}

function createHandle(
  deps: Deps,
  path: string,
  token: string,
  /** When the lease began (the safe age counts from here) and when the hold began (held times count from here). */
  began: { readonly stampedAt: number; readonly at: number },
  waitedMs: number,
  staleMs: number,
  observer: LockObserver | undefined,
  turn: Turn | null,
): LockHandle {
  const { fs, clock } = deps;
  const safeAge = safeAgeFor(staleMs);
  const acquiredAt = began.stampedAt;
  let released = false;

  const compromised = (stage: 'check' | 'release', why: string, details: Record<string, unknown> = {}) =>
    new RacetrackError('ECOMPROMISED', `lock ${path} was compromised: ${why}`, { path, token, ...details, stage });

  const current = () => {
    try {
      return sightLock(fs, path);
    } catch (err) {
      throw fromFsError(err, path, 'inspect lock');
    }
  };

  const holdsOurToken = (): boolean => holdsToken(fs, path, token);

  return {
    path,
    token,
    acquiredAt,
    waitedMs,
    assertHeld() {
      if (released) throw compromised('check', 'already released');
      const age = clock.monotonic() - acquiredAt;
      if (age >= safeAge) throw compromised('check', `held for ${Math.round(age)} ms, past the stale limit`, { heldMs: age, staleMs });
      if (holdsOurToken()) return;
      const seen = current();
      if (seen?.record?.token !== token) throw compromised('check', 'the lock file is gone or belongs to another holder', describeHolder(seen, clock.now()));
    },
    release() {
      if (released) throw compromised('release', 'released twice');
      released = true;
      const at = clock.monotonic();
      try {
        observer?.releasing?.({ path, token, at });
        if (at - acquiredAt < safeAge && holdsOurToken()) {
          // Young and ours: no breaker may touch a live holder's lock yet, so deleting by path is
          // safe. The next thread of this process is woken first, so that its wake-up overlaps
          // our unlink (should it still find the file, it waits for the unlink like any waiter).
          turn?.leave();
          fs.unlink(path);
        } else {
          const seen = current();
          if (seen === null) throw compromised('release', 'the lock file is gone');
          if (seen.record?.token !== token) throw compromised('release', 'the lock file belongs to another holder', describeHolder(seen, clock.now()));
          if (at - acquiredAt < safeAge) fs.unlink(path);
          else if (!removeIfSame(fs, path, seen, `${path}.released.${token}`)) {
            throw compromised('release', 'the lock was broken while we held it past the stale limit');
          }
        }
      } finally {
        // The file is gone (or was never ours): the next thread of this process may try.
        turn?.leave();
      }
      observer?.released?.({ path, token, heldMs: at - began.at, at });
    },
  };
}

/**
 * Runs `fn` holding the lock at `lockPath` and releases it afterwards, even if `fn` throws. If the
 * lock turns out to have been compromised, throws ECOMPROMISED (after `fn`'s own error, if any).
 */
export async function withLock<T>(
  lockPath: string,
  fn: (lock: LockHandle) => T | Promise<T>,
  options: LockOptions = {},
  deps: Deps = defaultDeps(),
): Promise<T> {
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
