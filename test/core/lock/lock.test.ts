import assert from 'node:assert/strict';
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultDeps, systemClock } from '../../../core/deps.ts';
import { createRealFs } from '../../../core/fs-facade.ts';
import { breakStaleLock, isSighted, removeIfSame, type BreakContext } from '../../../core/lock/break.ts';
import { recordStamp } from '../../../core/lock/create.ts';
import { OWNED_SUFFIX_BYTES, ownedName, parseOwnedName, stampFor } from '../../../core/lock/names.ts';
import { sightLock } from '../../../core/lock/record.ts';
import { sweepLockLeftovers } from '../../../core/lock/sweep.ts';
import { acquireLock, withLock } from '../../../core/lock/lock.ts';
import { entryName } from '../../../core/lock/queue.ts';
import { currentIdentity, pidSpaceTag } from '../../../core/runtime.ts';
import { createTurnTableBuffer, turnTableOver } from '../../../core/thread-turns.ts';
import { deadHolderLockRecord, deadHolderRecord } from '../../fixtures/dead-holder.ts';
import { replaceLockFile } from '../../support/lock-files.ts';
import { inTempDir } from '../../support/tmp.ts';

/** The token of the live lock or waiter these tests plant. */
const OTHER = 'e'.repeat(24);

const liveRecord = (acquiredAt: number) =>
  JSON.stringify({ pid: process.pid, threadId: 99, host: hostname(), token: OTHER, startTime: currentIdentity().startTime, space: pidSpaceTag(currentIdentity().pidSpace), acquiredAt });

/** A breaker of this process, timed by `elapsed`. */
function breakContext(fs: BreakContext['fs'], elapsed: () => number): BreakContext {
  const me = currentIdentity();
  const token = '7'.repeat(24);
  const record = { pid: me.pid, threadId: me.threadId, host: me.host, token, startTime: me.startTime, space: pidSpaceTag(me.pidSpace), acquiredAt: Date.now() };
  return {
    fs,
    me,
    token,
    record,
    staleMs: 5000,
    startStopwatch: () => {
      const t0 = elapsed();
      return () => elapsed() - t0;
    },
  };
}

test(
  'wait: false fails at once with ELOCKED naming the holder',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const held = await acquireLock(path);
    await assert.rejects(acquireLock(path, { wait: false }), (err: { code: string; details: { holder: { pid: number } } }) => {
      assert.equal(err.code, 'ELOCKED');
      assert.equal(err.details.holder.pid, process.pid);
      return true;
    });
    held.release();
  }),
);

test(
  'a timeout names the holder and its age',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    writeFileSync(path, liveRecord(Date.now()));
    await assert.rejects(acquireLock(path, { timeoutMs: 20 }), (err: { code: string; details: { holder: { host: string; ageMs: number } } }) => {
      assert.equal(err.code, 'ETIMEOUT');
      assert.equal(err.details.holder.host, hostname());
      assert.ok(err.details.holder.ageMs >= 0);
      return true;
    });
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, OTHER, 'a live young lock is left alone');
  }),
);

test(
  'a live holder past staleMs loses the lock and finds it compromised',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const slow = await acquireLock(path, { staleMs: 40 });
    await new Promise((r) => setTimeout(r, 80));
    // The check says where it was found, so a caller's caller knows whether the work was published.
    assert.throws(
      () => slow.assertHeld(),
      (e: { code?: string; details?: { stage?: string } }) => e.code === 'ECOMPROMISED' && e.details?.stage === 'check',
    );
    const next = await acquireLock(path, { staleMs: 40, timeoutMs: 2000 });
    assert.throws(
      () => slow.assertHeld(),
      (e: { details?: { stage?: string } }) => e.details?.stage === 'check',
    );
    assert.throws(
      () => slow.release(),
      (e: { code?: string; details?: { stage?: string } }) => e.code === 'ECOMPROMISED' && e.details?.stage === 'release',
    );
    assert.equal(existsSync(path), true, 'the compromised holder did not delete the new lock');
    next.assertHeld();
    next.release();
  }),
);

test(
  'an old holder that was not broken still releases cleanly',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const slow = await acquireLock(path, { staleMs: 20 });
    await new Promise((r) => setTimeout(r, 40));
    slow.release();
    assert.equal(existsSync(path), false);
  }),
);

test(
  'a file at the lock path without a lock record is refused and left exactly as it was',
  inTempDir(async (dir) => {
    // An existing data file, old enough that the previous versions broke it as an unreadable lock.
    const data = join(dir, 'data.txt');
    writeFileSync(data, 'precious\n');
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(data, old, old);
    for (const options of [{}, { wait: false }, { staleMs: 0, timeoutMs: 200 }]) {
      await assert.rejects(acquireLock(data, options), (err: { code?: string; details?: { path?: string; reason?: string } }) => {
        assert.equal(err.code, 'EINVALID');
        assert.equal(err.details?.path, data);
        assert.equal(err.details?.reason, 'foreign');
        return true;
      });
    }
    // A flock(1)-style lock file (empty), and a half-written record of some other program.
    writeFileSync(join(dir, 'flock.lock'), '');
    writeFileSync(join(dir, 'half.lock'), '{"pid": 12');
    await assert.rejects(acquireLock(join(dir, 'flock.lock'), { staleMs: 0 }), /not a racetrack lock: it is an empty file/);
    await assert.rejects(acquireLock(join(dir, 'half.lock'), { staleMs: 0 }), { code: 'EINVALID' });
    assert.equal(readFileSync(data, 'utf8'), 'precious\n');
    assert.deepEqual(readdirSync(dir).sort(), ['data.txt', 'flock.lock', 'half.lock'], 'nothing created, nothing removed');
  }),
);

test(
  'a lock file is never half-written: it appears whole, linked from its record name, which stays beside it while held',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const fs = createRealFs();
    const lock = await acquireLock(path);
    const record = JSON.parse(readFileSync(path, 'utf8')) as { token: string; pid: number };
    assert.equal(record.token, lock.token);
    const names = readdirSync(dir).sort();
    assert.equal(names.length, 2);
    const rec = parseOwnedName(path, names[1]!);
    assert.equal(rec?.kind, 'rec');
    assert.equal(rec?.token, lock.token);
    assert.equal(fs.lstat(path).ino, fs.lstat(join(dir, names[1]!)).ino, 'two names of one file');
    assert.equal(fs.lstat(path).nlink, 2);
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a lock whose record a power loss took still names its holder through its record name, and a dead one is broken at once',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const dead = deadHolderLockRecord('1'.repeat(24));
    const rec = ownedName(path, 'rec', recordStamp(dead));
    writeFileSync(rec, ''); // the data never reached the disk: an empty file, linked as the lock
    linkSync(rec, path);
    const broke: string[] = [];
    const lock = await acquireLock(path, { staleMs: 60_000, timeoutMs: 2000, observer: { broke: (e) => broke.push(`${e.reason}:${e.holder?.token}`) } });
    assert.deepEqual(broke, [`dead:${'1'.repeat(24)}`]);
    lock.release();
    assert.deepEqual(readdirSync(dir), [], "the dead holder's record name went with its lock");
  }),
);

test(
  'withLock releases after the callback, and after it throws',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    assert.equal(await withLock(path, () => 42), 42);
    assert.equal(existsSync(path), false);
    await assert.rejects(
      withLock(path, () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(existsSync(path), false);
  }),
);

test('a lock in a missing directory fails with ENOTFOUND', async () => {
  await assert.rejects(acquireLock('/nonexistent-racetrack-dir/a.lock'), { code: 'ENOTFOUND' });
});

test('negative options are rejected as EINVALID', async () => {
  await assert.rejects(acquireLock('/tmp/x.lock', { staleMs: -1 }), { code: 'EINVALID' });
});

test(
  'releasing twice is reported',
  inTempDir(async (dir) => {
    const lock = await acquireLock(join(dir, 'a.lock'));
    lock.release();
    assert.throws(() => lock.release(), { code: 'ECOMPROMISED' });
    assert.throws(() => lock.assertHeld(), { code: 'ECOMPROMISED' });
  }),
);

test(
  'the observer sees acquire, release and break',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    writeFileSync(path, deadHolderRecord());
    const events: string[] = [];
    const observer = {
      acquired: () => events.push('acquired'),
      released: () => events.push('released'),
      broke: (e: { reason: string | null }) => events.push(`broke:${e.reason}`),
    };
    const lock = await acquireLock(path, { observer });
    lock.release();
    assert.deepEqual(events, ['broke:dead', 'acquired', 'released']);
  }),
);

test(
  'a breaker that moved a fresh lock by mistake puts it back',
  inTempDir(async (dir) => {
    const fs = createRealFs();
    const path = join(dir, 'a.lock');
    writeFileSync(path, deadHolderRecord('old'));
    const judged = sightLock(fs, path)!;
    // Between the judgement and the break, the stale lock was replaced by a fresh one.
    writeFileSync(`${path}.new`, liveRecord(Date.now()));
    fs.rename(`${path}.new`, path);
    assert.equal(removeIfSame(fs, path, isSighted(judged), `${path}.aside`), false);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, OTHER);
    assert.deepEqual(readdirSync(dir), ['a.lock']);
  }),
);

test(
  'a breaker never breaks while another holds a live break guard',
  inTempDir(async (dir) => {
    const fs = createRealFs();
    const path = join(dir, 'a.lock');
    writeFileSync(path, deadHolderRecord('old'));
    writeFileSync(`${path}.breaking`, liveRecord(Date.now()));
    const ctx = breakContext(fs, () => 0);
    assert.equal(breakStaleLock(path, sightLock(fs, path)!, ctx).broke, false);
    assert.equal(existsSync(path), true);
    // A guard left by a dead breaker is itself removed, so the next attempt can proceed.
    writeFileSync(`${path}.breaking`, deadHolderRecord('dead-breaker'));
    assert.equal(breakStaleLock(path, sightLock(fs, path)!, ctx).broke, false);
    assert.equal(existsSync(`${path}.breaking`), false);
    assert.equal(breakStaleLock(path, sightLock(fs, path)!, ctx).broke, true);
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  "a breaker that stalled past its guard's safe age leaves the guard to age out: it may no longer be its own",
  inTempDir(async (dir) => {
    const real = createRealFs();
    const path = join(dir, 'a.lock');
    const guard = `${path}.breaking`;
    writeFileSync(path, deadHolderRecord('old'));
    let clock = 0;
    const after: string[] = [];
    const fs = {
      ...real,
      rename(from: string, to: string) {
        real.rename(from, to);
        // The breaker stalls for 10 s right after moving the stale lock aside.
        if (from === path) clock = 10_000;
      },
      readFile(file: string) {
        const bytes = real.readFile(file);
        if (file === guard && clock > 0) {
          // Meanwhile others took its guard for abandoned: a sweeper removed it, another breaker
          // took a new one. Reading its guard back now, the breaker would see its own record.
          writeFileSync(`${guard}.next`, liveRecord(Date.now()));
          real.rename(`${guard}.next`, guard);
        }
        return bytes;
      },
      unlink(file: string) {
        if (clock > 0) after.push(file);
        real.unlink(file);
      },
    };
    const ctx = breakContext(fs, () => clock);
    assert.equal(breakStaleLock(path, sightLock(real, path)!, ctx).broke, true);
    const aside = ownedName(path, 'aside', stampFor(ctx.me, ctx.token));
    const holderRec = ownedName(path, 'rec', recordStamp(deadHolderLockRecord('old')));
    assert.deepEqual(after, [aside, holderRec], "after the stall it deletes only the stale lock it moved aside and checked, and that dead holder's record name");
    assert.equal(existsSync(guard), true, 'the guard, whoever owns it by now, is still in place');
  }),
);

test(
  'a breaker gives up its guard last: after that it touches nothing but its own record name',
  inTempDir(async (dir) => {
    const real = createRealFs();
    const path = join(dir, 'a.lock');
    writeFileSync(path, deadHolderRecord('old'));
    const calls: string[] = [];
    const fs = {
      ...real,
      rename: (from: string, to: string) => {
        calls.push(`rename ${from} ${to}`);
        return real.rename(from, to);
      },
      link: (from: string, to: string) => {
        calls.push(`link ${from} ${to}`);
        return real.link(from, to);
      },
      unlink: (file: string) => {
        calls.push(`unlink ${file}`);
        return real.unlink(file);
      },
      lstat: (file: string) => {
        calls.push(`lstat ${file}`);
        return real.lstat(file);
      },
    };
    const ctx = breakContext(fs, () => 0);
    assert.equal(breakStaleLock(path, sightLock(real, path)!, ctx).broke, true);
    // Once the guard is gone another breaker may take it: after that we touch only our own record name.
    const gone = calls.indexOf(`unlink ${path}.breaking`);
    assert.ok(gone > 0, 'the guard was deleted');
    assert.deepEqual(calls.slice(gone + 1), [`unlink ${ownedName(`${path}.breaking`, 'rec', stampFor(ctx.me, ctx.token))}`]);
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test('default deps use the real file system', () => {
  const deps = defaultDeps();
  assert.equal(typeof deps.fs.openExclusive, 'function');
  assert.ok(deps.clock.monotonic() > 0);
  assert.match(deps.random.hex(4), /^[0-9a-f]{8}$/);
});

test(
  'waiters get the lock in the order they queued, and the queue is removed after',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const first = await acquireLock(path);
    const order: number[] = [];
    const waiters = [0, 1, 2, 3].map(async (i) => {
      // Stagger the arrivals so that their queue entries have distinct arrival times.
      await new Promise((r) => setTimeout(r, 5 * i));
      const lock = await acquireLock(path, { timeoutMs: 5000 });
      order.push(i);
      await new Promise((r) => setTimeout(r, 2));
      lock.release();
    });
    await new Promise((r) => setTimeout(r, 40));
    first.release();
    await Promise.all(waiters);
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.deepEqual(readdirSync(dir), [], 'no lock and no queue left');
  }),
);

test(
  'a releaser that wants the lock again queues behind those already waiting',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const first = await acquireLock(path);
    const waiting = acquireLock(path, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 20));
    first.release();
    const again = acquireLock(path, { timeoutMs: 5000 });
    const winner = await Promise.race([waiting.then(() => 'waiter'), again.then(() => 'releaser')]);
    assert.equal(winner, 'waiter');
    (await waiting).release();
    (await again).release();
  }),
);

test(
  "a dead holder's lock and a dead waiter's queue entry are both cleared by the next acquirer",
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const dead = deadHolderRecord('2'.repeat(24));
    writeFileSync(path, dead);
    mkdirSync(`${path}.q`);
    writeFileSync(`${path}.q/${entryName(JSON.parse(dead), 1)}`, '');
    const lock = await acquireLock(path, { timeoutMs: 2000 });
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a lock whose record name cannot be inspected is never linked, and nothing is left behind',
  inTempDir(async (dir) => {
    const real = createRealFs();
    const path = join(dir, 'a.lock');
    const fs = {
      ...real,
      lstat: (file: string) => {
        if (parseOwnedName(path, file.slice(dir.length + 1))?.kind === 'rec') throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        return real.lstat(file);
      },
    };
    await assert.rejects(acquireLock(path, {}, defaultDeps({ fs })), { code: 'EIO' });
    assert.deepEqual(readdirSync(dir), [], 'neither the lock file nor its record name is left behind');
  }),
);

test(
  'a waiter that takes the lock but cannot leave the queue gives the lock back before it throws',
  inTempDir(async (dir) => {
    const real = createRealFs();
    const path = join(dir, 'a.lock');
    const options = { timeoutMs: 5000, threadTurns: false };
    const first = await acquireLock(path, options);
    const stuck = {
      ...real,
      unlink: (file: string) => {
        if (file.startsWith(`${path}.q/`)) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        real.unlink(file);
      },
    };
    const waiter = acquireLock(path, options, defaultDeps({ fs: stuck }));
    await new Promise((r) => setTimeout(r, 20));
    first.release();
    await assert.rejects(waiter, { code: 'EIO' });
    assert.equal(existsSync(path), false, 'the lock it took is given back');
    assert.equal(readdirSync(`${path}.q`).length, 1, 'only the entry it could not remove is left');
  }),
);

test(
  'a lock whose record cannot be written never appears: nothing is left for others to wait out',
  inTempDir(async (dir) => {
    const real = createRealFs();
    const path = join(dir, 'a.lock');
    const full = {
      ...real,
      write: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    await assert.rejects(acquireLock(path, {}, defaultDeps({ fs: full })), { code: 'EIO' });
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'the queue entry of a dead waiter is removed and does not hold up the lock',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    mkdirSync(`${path}.q`);
    writeFileSync(`${path}.q/${entryName(deadHolderLockRecord('3'.repeat(24)), 1)}`, '');
    const lock = await acquireLock(path, { timeoutMs: 2000 });
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a live waiter that never takes its turn is passed after a grace period',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    mkdirSync(`${path}.q`);
    // A thread of this very process that queued and then vanished: its pid is alive.
    writeFileSync(`${path}.q/${entryName(JSON.parse(liveRecord(Date.now())), 1)}`, '');
    const lock = await acquireLock(path, { timeoutMs: 5000 });
    lock.release();
    assert.equal(existsSync(path), false);
  }),
);

test(
  'fair: false and wait: false take no part in the queue',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    mkdirSync(`${path}.q`);
    const other = entryName(JSON.parse(liveRecord(Date.now())), 1);
    writeFileSync(`${path}.q/${other}`, '');
    const unfair = await acquireLock(path, { fair: false });
    unfair.release();
    const tryLock = await acquireLock(path, { wait: false });
    tryLock.release();
    assert.deepEqual(readdirSync(`${path}.q`), [other]);
  }),
);

test(
  'holding the lock, every name of the protocol beside it that the lock does not use is swept, and nothing else',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const guard = `${path}.breaking`;
    const deadStamp = recordStamp(deadHolderLockRecord('0123456789abcdef01234567'));
    // A process of this very PID space that is still alive, and one of a boot before a power loss.
    const liveStamp = stampFor({ ...currentIdentity(), threadId: 4242 }, 'fedcba9876543210fedcba98');
    const otherBootStamp = stampFor({ ...currentIdentity(), pidSpace: 'an-earlier-boot:4026531836' }, 'abababababababababababab');
    const leftovers = [
      ...[deadStamp, liveStamp, otherBootStamp].flatMap((stamp) => [ownedName(path, 'rec', stamp), ownedName(path, 'aside', stamp), ownedName(path, 'released', stamp)]),
      ownedName(guard, 'rec', deadStamp),
      ownedName(guard, 'aside', liveStamp),
    ];
    const foreign = [join(dir, 'a.lock.rec.notours'), join(dir, 'a.lock.aside'), join(dir, '.env'), join(dir, 'a.lock.released.0123456789abcdef01234567')];
    for (const f of [...leftovers, ...foreign]) writeFileSync(f, '');
    const lock = await acquireLock(path);
    const ours = readdirSync(dir).filter((n) => parseOwnedName(path, n)?.token === lock.token);
    const swept = sweepLockLeftovers(lock);
    assert.deepEqual([...swept.removed].sort(), [...leftovers].sort());
    assert.deepEqual(
      swept.kept,
      ours.map((n) => join(dir, n)),
      'the record name of the lock we hold stays',
    );
    lock.release();
    assert.deepEqual(readdirSync(dir).sort(), foreign.map((f) => f.slice(dir.length + 1)).sort(), "anything not exactly the protocol's is left alone");
  }),
);

test(
  "a live breaker's young guard is left to it; a dead breaker's guard is swept",
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const guard = `${path}.breaking`;
    writeFileSync(guard, liveRecord(Date.now()));
    const lock = await acquireLock(path);
    assert.deepEqual(sweepLockLeftovers(lock).removed, []);
    assert.equal(existsSync(guard), true);
    replaceLockFile(guard, deadHolderRecord('dead-breaker'));
    assert.deepEqual(sweepLockLeftovers(lock).removed, [guard]);
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  "a lock broken on its holder's death comes with that holder's leftovers swept",
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const dead = deadHolderLockRecord('1'.repeat(24));
    writeFileSync(path, `${JSON.stringify(dead)}\n`);
    writeFileSync(ownedName(path, 'released', recordStamp(deadHolderLockRecord('2'.repeat(24)))), '');
    const lock = await acquireLock(path, { timeoutMs: 2000 });
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a file at <lock>.breaking that racetrack did not make is a typed error naming it, and it stays',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    writeFileSync(path, deadHolderRecord('dead-holder'));
    writeFileSync(`${path}.breaking`, 'notes\n');
    await assert.rejects(acquireLock(path, { timeoutMs: 2000 }), (err: { code?: string; details?: { path?: string } }) => err.code === 'EINVALID' && err.details?.path === `${path}.breaking`);
    symlinkSync(join(dir, 'nowhere'), `${path}.dangling`);
    rmSync(`${path}.breaking`);
    renameSync(`${path}.dangling`, `${path}.breaking`);
    await assert.rejects(acquireLock(path, { timeoutMs: 2000 }), (err: { code?: string; details?: { path?: string } }) => err.code === 'EINVALID' && err.details?.path === `${path}.breaking`);
    assert.equal(lstatSync(`${path}.breaking`).isSymbolicLink(), true);
    assert.equal(existsSync(join(dir, 'nowhere')), false, 'the dangling symlink was not followed');
  }),
);

test(
  'an empty queue directory left by a waiter that died is removed by the next acquirer',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    mkdirSync(`${path}.q`);
    const lock = await acquireLock(path);
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a waiter killed before it could write anything leaves an entry already judged dead',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    mkdirSync(`${path}.q`);
    // The empty entry of a dead process: its name alone shows the waiter is gone.
    writeFileSync(`${path}.q/${entryName(deadHolderLockRecord('4'.repeat(24)), 1)}`, '');
    const first = await acquireLock(path, { timeoutMs: 2000 });
    const second = acquireLock(path, { timeoutMs: 2000 });
    first.release();
    (await second).release();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'the threads of a process take turns: a waiter keeps out of the file queue and is handed the lock',
  inTempDir(async (dir) => {
    const turns = turnTableOver(createTurnTableBuffer());
    const deps = defaultDeps({ turns });
    const path = join(dir, 'x.lock');
    const first = await acquireLock(path, {}, deps);
    const order: string[] = [];
    const waiters = ['b', 'c'].map((name) =>
      acquireLock(path, { timeoutMs: 5000 }, deps).then((lock) => {
        order.push(name);
        lock.release();
      }),
    );
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(existsSync(`${path}.q`), false, 'only the turn holder works the file, and it holds the lock');
    first.release();
    await Promise.all(waiters);
    assert.deepEqual(order, ['b', 'c']);
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a thread handed the turn before its predecessor unlinked the lock looks again after its backoff step, not the watch fallback',
  inTempDir(async (dir) => {
    const turns = turnTableOver(createTurnTableBuffer());
    const path = join(dir, 'x.lock');
    const realFs = createRealFs();
    // The predecessor's unlink lands only once the waiter has gone to sleep on it, and the waiter's
    // watch never fires (as under Deno, where it mostly did not for this wait).
    let unlinkLater: (() => void) | null = null;
    const lateUnlink = {
      ...realFs,
      unlink: (p: string) => {
        if (p === path) unlinkLater = () => realFs.unlink(p);
        else realFs.unlink(p);
      },
    };
    const deafWatch = { ...realFs, watch: () => ({ close() {} }) };
    const sleeps: number[] = [];
    const clock = {
      ...systemClock,
      sleep: (ms: number) => {
        sleeps.push(ms);
        const unlink = unlinkLater;
        unlinkLater = null;
        unlink?.();
        return systemClock.sleep(ms);
      },
    };
    const first = await acquireLock(path, {}, defaultDeps({ turns, fs: lateUnlink }));
    const second = acquireLock(path, { timeoutMs: 5000 }, defaultDeps({ turns, fs: deafWatch, clock }));
    first.release();
    assert.equal(existsSync(path), true, 'the lock file outlives the hand-over of the turn');
    (await second).release();
    assert.ok(sleeps.length > 0, 'the waiter found the lock its predecessor left and waited for it');
    assert.ok(Math.max(...sleeps) <= 32, `every wait looked again within the backoff cap (waits: ${sleeps.join(', ')} ms)`);
  }),
);

test(
  'a waiter that runs out of time for its turn still tries the free lock file once',
  inTempDir(async (dir) => {
    const turns = turnTableOver(createTurnTableBuffer());
    const path = join(dir, 'x.lock');
    const stuck = await turns!.take(path, 1000, 60_000); // a turn held by nobody who will ever use it
    assert.ok(stuck !== null && stuck !== 'timeout');
    const lock = await acquireLock(path, { timeoutMs: 50, staleMs: 60_000 }, defaultDeps({ turns }));
    lock.release();
    stuck.leave();
  }),
);

test(
  'a symlink at the waiter queue is never followed: nothing in its target is touched, and the error names it',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const victim = join(dir, 'victim');
    mkdirSync(victim);
    // Names that sort below any queue entry, and one shaped exactly like the entry of a dead waiter.
    const names = ['.env', '.netrc', '-rf', '#notes', `${entryName(deadHolderLockRecord('5'.repeat(24)), 1)}`];
    for (const n of names) writeFileSync(join(victim, n), 'keep');
    symlinkSync(victim, `${path}.q`);
    const held = await acquireLock(path, { fair: false });
    await assert.rejects(acquireLock(path, { timeoutMs: 500 }), (err: { code?: string; details?: { path?: string } }) => err.code === 'EINVALID' && err.details?.path === `${path}.q`);
    held.release();
    await assert.rejects(acquireLock(path, { timeoutMs: 500 }), { code: 'EINVALID' });
    assert.deepEqual(readdirSync(victim).sort(), [...names].sort());
    assert.equal(lstatSync(`${path}.q`).isSymbolicLink(), true);
    // A regular file there is refused the same way.
    rmSync(`${path}.q`);
    writeFileSync(`${path}.q`, 'not a queue');
    await assert.rejects(acquireLock(path, { timeoutMs: 500 }), (err: { code?: string; details?: { path?: string } }) => err.code === 'EINVALID' && err.details?.path === `${path}.q`);
    assert.equal(readFileSync(`${path}.q`, 'utf8'), 'not a queue');
  }),
);

test(
  'names in the waiter queue that racetrack did not write are left alone and reported, never taken for waiters',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    mkdirSync(`${path}.q`);
    writeFileSync(join(`${path}.q`, '.env'), 'keep');
    writeFileSync(join(`${path}.q`, '00000000000000001-x'), 'keep');
    const foreign: string[] = [];
    const first = await acquireLock(path, { observer: { foreign: (e) => foreign.push(e.path) } });
    const waiter = acquireLock(path, { timeoutMs: 5000, threadTurns: false, observer: { foreign: (e) => foreign.push(e.path) } });
    await new Promise((r) => setTimeout(r, 30));
    first.release();
    (await waiter).release();
    assert.deepEqual(readdirSync(`${path}.q`).sort(), ['.env', '00000000000000001-x']);
    assert.deepEqual([...new Set(foreign)].sort(), [join(`${path}.q`, '.env'), join(`${path}.q`, '00000000000000001-x')]);
  }),
);

test(
  'a holder in another PID space is not judged dead by its pid: only its lease ends its claim',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    // A pid absent here, recorded by a process of another PID namespace (a container, say).
    writeFileSync(path, `${JSON.stringify({ ...deadHolderLockRecord('6'.repeat(24)), space: 'abcdefabcdef' })}\n`);
    await assert.rejects(acquireLock(path, { timeoutMs: 150, staleMs: 60_000 }), { code: 'ETIMEOUT' });
    // A record of an older racetrack, which names no PID space, is judged the same way.
    writeFileSync(path, `${JSON.stringify({ ...deadHolderLockRecord('6'.repeat(24)), space: undefined })}\n`);
    await assert.rejects(acquireLock(path, { timeoutMs: 150, staleMs: 60_000 }), { code: 'ETIMEOUT' });
    // Once its lease is over by the file's own age, it is broken.
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(path, old, old);
    const broke: string[] = [];
    const lock = await acquireLock(path, { timeoutMs: 2000, staleMs: 60_000, observer: { broke: (e) => broke.push(String(e.reason)) } });
    assert.deepEqual(broke, ['expired']);
    lock.release();
  }),
);

const DAY_MS = 86_400_000;

/** The real deps with a wall clock `offsetMs` off (a faked or misset clock); the monotonic clock runs true. */
function skewedDeps(offsetMs: number) {
  const base = defaultDeps();
  return defaultDeps({ clock: { ...base.clock, now: () => base.clock.now() + offsetMs } });
}

test(
  "a waiter whose clock runs a day ahead never breaks a young lock: ages are confirmed on the file system's clock",
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const holder = await acquireLock(path, { staleMs: 5000 });
    await assert.rejects(acquireLock(path, { staleMs: 5000, timeoutMs: 300, threadTurns: false }, skewedDeps(DAY_MS)), { code: 'ETIMEOUT' });
    holder.assertHeld();
    holder.release();
  }),
);

test(
  'a holder whose clock runs a day behind is not broken early by an honest waiter',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const holder = await acquireLock(path, { staleMs: 5000 }, skewedDeps(-DAY_MS));
    await assert.rejects(acquireLock(path, { staleMs: 5000, timeoutMs: 300, threadTurns: false }), { code: 'ETIMEOUT' });
    holder.assertHeld();
    holder.release();
  }),
);

test(
  'a waiter whose clock runs a day behind still breaks an expired lock, once it has watched it for staleMs',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    writeFileSync(path, `${JSON.stringify({ ...deadHolderLockRecord('8'.repeat(24)), space: 'abcdefabcdef' })}\n`);
    const lock = await acquireLock(path, { staleMs: 200, timeoutMs: 5000, threadTurns: false }, skewedDeps(-DAY_MS));
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a holder whose machine was suspended past staleMs knows its lease is over, though its monotonic clock stood still',
  inTempDir(async (dir) => {
    const path = join(dir, 'a.lock');
    const base = defaultDeps();
    let suspended = 0;
    const deps = defaultDeps({ clock: { ...base.clock, now: () => base.clock.now() + suspended } });
    const lock = await acquireLock(path, { staleMs: 5000 }, deps);
    lock.assertHeld();
    suspended = 10_000; // the wall clock jumped on resume; performance.now() did not move
    assert.throws(() => lock.assertHeld(), { code: 'ECOMPROMISED' });
    lock.release(); // nobody broke it meanwhile: released with the check an old holder's release makes
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a lock name too long for the names racetrack puts beside it, or not valid UTF-8, is EINVALID before anything is created',
  inTempDir(async (dir) => {
    await assert.rejects(
      acquireLock(join(dir, `${'n'.repeat(200)}.lock`)),
      (err: { code?: string; details?: { reason?: string } }) => err.code === 'EINVALID' && err.details?.reason === 'name-too-long',
    );
    await assert.rejects(acquireLock(join(dir, 'caf\ufffd.lock')), (err: { code?: string; details?: { reason?: string } }) => err.code === 'EINVALID' && err.details?.reason === 'not-utf8');
    assert.deepEqual(readdirSync(dir), []);
    const longest = join(dir, `${'n'.repeat(255 - OWNED_SUFFIX_BYTES - '.breaking'.length)}`);
    const lock = await acquireLock(longest, { staleMs: 5000 });
    lock.release();
  }),
);
