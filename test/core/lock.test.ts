import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultDeps } from '../../core/deps.ts';
import { createRealFs } from '../../core/fs-facade.ts';
import { removeIfSame, breakStaleLock } from '../../core/lock-break.ts';
import { sightLock } from '../../core/lock-record.ts';
import { acquireLock, withLock } from '../../core/lock.ts';
import { entryName } from '../../core/lock-queue.ts';
import { currentIdentity } from '../../core/runtime.ts';
import { createTurnTableBuffer, turnTableOver } from '../../core/thread-queue.ts';
import { deadHolderRecord } from '../fixtures/dead-holder.ts';
import { inTempDir } from '../support/tmp.ts';

const liveRecord = (acquiredAt: number) =>
  JSON.stringify({ pid: process.pid, threadId: 99, host: hostname(), token: 'other', startTime: currentIdentity().startTime, acquiredAt });

test('wait: false fails at once with ELOCKED naming the holder', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  const held = await acquireLock(path);
  await assert.rejects(acquireLock(path, { wait: false }), (err: { code: string; details: { holder: { pid: number } } }) => {
    assert.equal(err.code, 'ELOCKED');
    assert.equal(err.details.holder.pid, process.pid);
    return true;
  });
  held.release();
}));

test('a timeout names the holder and its age', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  writeFileSync(path, liveRecord(Date.now()));
  await assert.rejects(acquireLock(path, { timeoutMs: 20 }), (err: { code: string; details: { holder: { host: string; ageMs: number } } }) => {
    assert.equal(err.code, 'ETIMEOUT');
    assert.equal(err.details.holder.host, hostname());
    assert.ok(err.details.holder.ageMs >= 0);
    return true;
  });
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, 'other', 'a live young lock is left alone');
}));

test('a live holder past staleMs loses the lock and finds it compromised', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  const slow = await acquireLock(path, { staleMs: 40 });
  await new Promise((r) => setTimeout(r, 80));
  // The check says where it was found, so a caller's caller knows whether the work was published.
  assert.throws(() => slow.assertHeld(), (e: { code?: string; details?: { stage?: string } }) => e.code === 'ECOMPROMISED' && e.details?.stage === 'check');
  const next = await acquireLock(path, { staleMs: 40, timeoutMs: 2000 });
  assert.throws(() => slow.assertHeld(), (e: { details?: { stage?: string } }) => e.details?.stage === 'check');
  assert.throws(() => slow.release(), (e: { code?: string; details?: { stage?: string } }) => e.code === 'ECOMPROMISED' && e.details?.stage === 'release');
  assert.equal(existsSync(path), true, 'the compromised holder did not delete the new lock');
  next.assertHeld();
  next.release();
}));

test('an old holder that was not broken still releases cleanly', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  const slow = await acquireLock(path, { staleMs: 20 });
  await new Promise((r) => setTimeout(r, 40));
  slow.release();
  assert.equal(existsSync(path), false);
}));

test('an empty record gets a grace period, then counts as stale', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  writeFileSync(path, '');
  await assert.rejects(acquireLock(path, { timeoutMs: 20, graceMs: 60000 }), { code: 'ETIMEOUT' });
  const old = (Date.now() - 10_000) / 1000;
  utimesSync(path, old, old);
  const lock = await acquireLock(path, { timeoutMs: 1000, graceMs: 1000 });
  lock.release();
}));

test('a half-written record is treated like an empty one', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  writeFileSync(path, '{"pid": 12');
  await assert.rejects(acquireLock(path, { wait: false }), { code: 'ELOCKED' });
}));

test('withLock releases after the callback, and after it throws', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  assert.equal(await withLock(path, () => 42), 42);
  assert.equal(existsSync(path), false);
  await assert.rejects(withLock(path, () => { throw new Error('boom'); }), /boom/);
  assert.equal(existsSync(path), false);
}));

test('a lock in a missing directory fails with ENOTFOUND', async () => {
  await assert.rejects(acquireLock('/nonexistent-racetrack-dir/a.lock'), { code: 'ENOTFOUND' });
});

test('negative options are rejected as EINVALID', async () => {
  await assert.rejects(acquireLock('/tmp/x.lock', { staleMs: -1 }), { code: 'EINVALID' });
});

test('releasing twice is reported', inTempDir(async (dir) => {
  const lock = await acquireLock(join(dir, 'a.lock'));
  lock.release();
  assert.throws(() => lock.release(), { code: 'ECOMPROMISED' });
  assert.throws(() => lock.assertHeld(), { code: 'ECOMPROMISED' });
}));

test('the observer sees acquire, release and break', inTempDir(async (dir) => {
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
}));

test('a breaker that moved a fresh lock by mistake puts it back', inTempDir(async (dir) => {
  const fs = createRealFs();
  const path = join(dir, 'a.lock');
  writeFileSync(path, deadHolderRecord('old'));
  const judged = sightLock(fs, path)!;
  // Between the judgement and the break, the stale lock was replaced by a fresh one.
  writeFileSync(`${path}.new`, liveRecord(Date.now()));
  fs.rename(`${path}.new`, path);
  assert.equal(removeIfSame(fs, path, judged, `${path}.aside`), false);
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, 'other');
  assert.deepEqual(readdirSync(dir), ['a.lock']);
}));

test('a breaker never breaks while another holds a live break guard', inTempDir(async (dir) => {
  const fs = createRealFs();
  const path = join(dir, 'a.lock');
  writeFileSync(path, deadHolderRecord('old'));
  writeFileSync(`${path}.breaking`, liveRecord(Date.now()));
  const ctx = { fs, me: currentIdentity(), token: 't', now: Date.now(), monotonic: () => performance.now(), rules: { staleMs: 5000, graceMs: 1000 } };
  assert.equal(breakStaleLock(path, sightLock(fs, path)!, ctx), false);
  assert.equal(existsSync(path), true);
  // A guard left by a dead breaker is itself removed, so the next attempt can proceed.
  writeFileSync(`${path}.breaking`, deadHolderRecord('dead-breaker'));
  assert.equal(breakStaleLock(path, sightLock(fs, path)!, ctx), false);
  assert.equal(existsSync(`${path}.breaking`), false);
  assert.equal(breakStaleLock(path, sightLock(fs, path)!, ctx), true);
  assert.deepEqual(readdirSync(dir), []);
}));

test('a breaker that stalled past its guard\'s safe age leaves the guard to age out: it may no longer be its own', inTempDir(async (dir) => {
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
  const ctx = { fs, me: currentIdentity(), token: 't', now: Date.now(), monotonic: () => clock, rules: { staleMs: 5000, graceMs: 1000 } };
  assert.equal(breakStaleLock(path, sightLock(real, path)!, ctx), true);
  assert.deepEqual(after, [`${path}.broken`], 'after the stall it deletes only the stale lock it moved aside and checked');
  assert.equal(existsSync(guard), true, 'the guard, whoever owns it by now, is still in place');
}));

test('a breaker deletes its guard last: after giving it up, it touches nothing', inTempDir(async (dir) => {
  const real = createRealFs();
  const path = join(dir, 'a.lock');
  writeFileSync(path, deadHolderRecord('old'));
  const calls: string[] = [];
  const fs = {
    ...real,
    rename: (from: string, to: string) => (calls.push(`rename ${from} ${to}`), real.rename(from, to)),
    link: (from: string, to: string) => (calls.push(`link ${from} ${to}`), real.link(from, to)),
    unlink: (file: string) => (calls.push(`unlink ${file}`), real.unlink(file)),
    lstat: (file: string) => (calls.push(`lstat ${file}`), real.lstat(file)),
  };
  const ctx = { fs, me: currentIdentity(), token: 't', now: Date.now(), monotonic: () => 0, rules: { staleMs: 5000, graceMs: 1000 } };
  assert.equal(breakStaleLock(path, sightLock(real, path)!, ctx), true);
  // Once the guard is gone another breaker may take it and use the aside name: we must be done.
  assert.equal(calls.at(-1), `unlink ${path}.breaking`);
  assert.deepEqual(readdirSync(dir), []);
}));

test('default deps use the real file system', () => {
  const deps = defaultDeps();
  assert.equal(typeof deps.fs.openExclusive, 'function');
  assert.ok(deps.clock.monotonic() > 0);
  assert.match(deps.random.hex(4), /^[0-9a-f]{8}$/);
});

test('waiters get the lock in the order they queued, and the queue is removed after', inTempDir(async (dir) => {
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
}));

test('a releaser that wants the lock again queues behind those already waiting', inTempDir(async (dir) => {
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
}));

test('a dead holder\'s lock and a dead waiter\'s queue entry are both cleared by the next acquirer', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  const dead = deadHolderRecord('dead-holder');
  writeFileSync(path, dead);
  mkdirSync(`${path}.q`);
  writeFileSync(`${path}.q/${entryName(JSON.parse(dead), 1)}`, '');
  const lock = await acquireLock(path, { timeoutMs: 2000 });
  lock.release();
  assert.deepEqual(readdirSync(dir), []);
}));

test('a new holder whose look for break leftovers fails gives the lock back before it throws', inTempDir(async (dir) => {
  const real = createRealFs();
  const path = join(dir, 'a.lock');
  const fs = {
    ...real,
    lstat: (file: string) => {
      if (file === `${path}.breaking`) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      return real.lstat(file);
    },
  };
  await assert.rejects(acquireLock(path, {}, defaultDeps({ fs })), { code: 'EIO' });
  assert.deepEqual(readdirSync(dir), [], 'neither the lock file nor a queue is left behind');

  // Had the look taken past the safe age, a breaker might own the file by now: it stays.
  const base = defaultDeps();
  let leap = 0;
  const slow = {
    ...fs,
    lstat: (file: string) => {
      if (file === `${path}.breaking`) leap = 10_000;
      return fs.lstat(file);
    },
  };
  const clock = { ...base.clock, monotonic: () => base.clock.monotonic() + leap };
  await assert.rejects(acquireLock(path, {}, defaultDeps({ fs: slow, clock })), { code: 'EIO' });
  assert.deepEqual(readdirSync(dir), ['a.lock']);

  // Young, but no longer ours (replaced while we looked): it stays too.
  rmSync(path);
  const replaced = {
    ...fs,
    lstat: (file: string) => {
      if (file === `${path}.breaking`) writeFileSync(path, liveRecord(Date.now()));
      return fs.lstat(file);
    },
  };
  await assert.rejects(acquireLock(path, {}, defaultDeps({ fs: replaced })), { code: 'EIO' });
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, 'other');
}));

test('a waiter that takes the lock but cannot leave the queue gives the lock back before it throws', inTempDir(async (dir) => {
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
}));

test('a lock whose record cannot be written is taken back, unless it may already be judged', inTempDir(async (dir) => {
  const real = createRealFs();
  const path = join(dir, 'a.lock');
  const full = { ...real, write: () => { throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }); } };
  await assert.rejects(acquireLock(path, {}, defaultDeps({ fs: full })), { code: 'EIO' });
  assert.deepEqual(readdirSync(dir), [], 'not left for others to wait out');
  // With no grace at all a breaker may take a record-less lock at once: it may no longer be ours.
  await assert.rejects(acquireLock(path, { graceMs: 0 }, defaultDeps({ fs: full })), { code: 'EIO' });
  assert.deepEqual(readdirSync(dir), ['a.lock']);
}));

test('the queue entry of a dead waiter is removed and does not hold up the lock', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  mkdirSync(`${path}.q`);
  writeFileSync(`${path}.q/${entryName({ ...JSON.parse(deadHolderRecord('dead-waiter')) }, 1)}`, '');
  const lock = await acquireLock(path, { timeoutMs: 2000 });
  lock.release();
  assert.deepEqual(readdirSync(dir), []);
}));

test('a live waiter that never takes its turn is passed after a grace period', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  mkdirSync(`${path}.q`);
  // A thread of this very process that queued and then vanished: its pid is alive.
  writeFileSync(`${path}.q/${entryName(JSON.parse(liveRecord(Date.now())), 1)}`, '');
  const lock = await acquireLock(path, { timeoutMs: 5000 });
  lock.release();
  assert.equal(existsSync(path), false);
}));

test('fair: false and wait: false take no part in the queue', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  mkdirSync(`${path}.q`);
  const other = entryName(JSON.parse(liveRecord(Date.now())), 1);
  writeFileSync(`${path}.q/${other}`, '');
  const unfair = await acquireLock(path, { fair: false });
  unfair.release();
  const tryLock = await acquireLock(path, { wait: false });
  tryLock.release();
  assert.deepEqual(readdirSync(`${path}.q`), [other]);
}));

test('what a breaker that died half-way left is swept by the next acquirer', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  writeFileSync(`${path}.breaking`, deadHolderRecord('dead-breaker'));
  writeFileSync(`${path}.broken`, deadHolderRecord('moved-aside'));
  const lock = await acquireLock(path, { timeoutMs: 2000 });
  lock.release();
  assert.deepEqual(readdirSync(dir), []);
}));

test('a new holder leaves the guard and aside of a live breaker alone: only that breaker may finish its break', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  // A live breaker (this very process) has taken the guard and moved a stale lock aside.
  writeFileSync(`${path}.breaking`, liveRecord(Date.now()));
  writeFileSync(`${path}.broken`, deadHolderRecord('moved-aside'));
  const lock = await acquireLock(path, { timeoutMs: 2000 });
  assert.deepEqual(readdirSync(dir).sort(), ['a.lock', 'a.lock.breaking', 'a.lock.broken']);
  lock.release();
}));

test('a half-written break guard makes waiters back off, not spin, and the deadline holds', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  writeFileSync(path, deadHolderRecord('dead-holder'));
  writeFileSync(`${path}.breaking`, '');
  // Before the fix this loop retried the break without pause until the guard's grace ran out.
  await assert.rejects(acquireLock(path, { timeoutMs: 100, graceMs: 60000 }), { code: 'ETIMEOUT' });
}));

test('an empty queue directory left by a waiter that died is removed by the next acquirer', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  mkdirSync(`${path}.q`);
  const lock = await acquireLock(path);
  lock.release();
  assert.deepEqual(readdirSync(dir), []);
}));

test('a waiter killed before it could write anything leaves an entry already judged dead', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  mkdirSync(`${path}.q`);
  // The empty entry of a dead process: its name alone shows the waiter is gone.
  writeFileSync(`${path}.q/${entryName(JSON.parse(deadHolderRecord('killed')), 1)}`, '');
  const first = await acquireLock(path, { timeoutMs: 2000 });
  const second = acquireLock(path, { timeoutMs: 2000 });
  first.release();
  (await second).release();
  assert.deepEqual(readdirSync(dir), []);
}));

test('the threads of a process take turns: a waiter keeps out of the file queue and is handed the lock', inTempDir(async (dir) => {
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
}));

test('a waiter that runs out of time for its turn still tries the free lock file once', inTempDir(async (dir) => {
  const turns = turnTableOver(createTurnTableBuffer());
  const path = join(dir, 'x.lock');
  const stuck = await turns!.take(path, 1000, 60_000); // a turn held by nobody who will ever use it
  assert.ok(stuck !== null && stuck !== 'timeout');
  const lock = await acquireLock(path, { timeoutMs: 50, staleMs: 60_000 }, defaultDeps({ turns }));
  lock.release();
  stuck.leave();
}));

test('a holder that waited out a half-written break guard counts that wait in its hold', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  writeFileSync(`${path}.breaking`, ''); // a breaker that died writing its guard, just now
  const lock = await acquireLock(path, { staleMs: 400, timeoutMs: 5000 });
  assert.equal(existsSync(`${path}.breaking`), false, 'swept once past its grace');
  // The lock file was written before the wait: others may already judge it old, so must we.
  assert.throws(() => lock.assertHeld(), { code: 'ECOMPROMISED' });
  lock.release();
}));

test('a caller that would not wait looks at a half-written break guard once and leaves it', inTempDir(async (dir) => {
  const path = join(dir, 'a.lock');
  writeFileSync(`${path}.breaking`, '');
  const lock = await acquireLock(path, { wait: false, graceMs: 60_000 });
  assert.equal(existsSync(`${path}.breaking`), true);
  lock.assertHeld();
  lock.release();
}));
