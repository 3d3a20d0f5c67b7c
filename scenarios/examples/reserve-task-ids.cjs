#!/usr/bin/env node
// The ID-reservation spec's reserver (reserve-task-ids.js), as the spec describes it: a spinlock
// on "<counters>.lock" created with O_EXCL holding {"pid","lockedAt"}, retried every 10 ms for up
// to 5 s, a lock older than 5 s broken by deleting it; under the lock, read the counters, add N,
// write "<counters>.tmp" and rename it over the counters; always delete the lock; print
// {"ids":[…],"reservedAt":"…"}.
//
// It is correct while every holder lives. When a holder dies holding the lock, the lock stays: the
// callers already waiting give up at their 5 s timeout just as it turns stale (the timeout equals
// the stale age), and the stale lock and the temp are left for whoever comes next.
//
//   node reserve-task-ids.cjs COUNTERS PREFIX [COUNT]
const fs = require('node:fs');

const LOCK_TIMEOUT_MS = 5000;
const STALE_LOCK_MS = 5000;
const RETRY_MS = 10;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquireLock(lockPath) {
  const start = Date.now();
  while (Date.now() - start < LOCK_TIMEOUT_MS) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid, lockedAt: new Date().toISOString() }), { flag: 'wx' });
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        const age = Date.now() - fs.statSync(lockPath).mtimeMs;
        if (age > STALE_LOCK_MS) {
          fs.unlinkSync(lockPath);
          continue;
        }
      } catch {
        // the lock went away meanwhile: try again
      }
      sleep(RETRY_MS);
    }
  }
  throw new Error(`Lock acquisition timeout (${LOCK_TIMEOUT_MS}ms) - another agent holding lock`);
}

function releaseLock(lockPath) {
  try {
    fs.unlinkSync(lockPath);
  } catch {
    // already gone
  }
}

function reserve(countersPath, prefix, count) {
  const lockPath = `${countersPath}.lock`;
  acquireLock(lockPath);
  try {
    const data = JSON.parse(fs.readFileSync(countersPath, 'utf8'));
    const current = data.counters[prefix] || 0;
    const ids = [];
    for (let i = 1; i <= count; i++) ids.push(`${prefix}-${current + i}`);
    data.counters[prefix] = current + count;
    const tmp = `${countersPath}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data, null, 2));
    fs.renameSync(tmp, countersPath);
    return { ids, reservedAt: new Date().toISOString() };
  } finally {
    releaseLock(lockPath);
  }
}

const [countersPath, prefix, countArg] = process.argv.slice(2);
const count = countArg === undefined ? 1 : Number(countArg);
if (countersPath === undefined || prefix === undefined || !Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: reserve-task-ids.cjs COUNTERS PREFIX [COUNT]\n');
  process.exit(2);
}
try {
  process.stdout.write(`${JSON.stringify(reserve(countersPath, prefix, count))}\n`);
} catch (err) {
  process.stderr.write(`❌ Error: ${err.message}\n`);
  process.exit(1);
}
