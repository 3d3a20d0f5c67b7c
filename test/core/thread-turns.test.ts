// The turn table (core/thread-turns.ts): the threads of one process take turns at a lock, first
// come first served, and no turn can stall the others for good.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { threadId, Worker } from 'node:worker_threads';
import { siblingModule } from '../../core/runtime.ts';
import { createTurnTableBuffer, processTurns, TURN_TABLE_BYTES, turnTableOver, type Turn, type TurnTable } from '../../core/thread-turns.ts';

function newTable(): TurnTable {
  const table = turnTableOver(createTurnTableBuffer());
  assert.ok(table !== null);
  return table;
}

async function turnOf(table: TurnTable, path: string, maxWaitMs = 5000, staleMs = 60_000): Promise<Turn> {
  const turn = await table.take(path, maxWaitMs, staleMs);
  assert.ok(turn !== null && turn !== 'timeout', `expected a turn at ${path}, got ${String(turn)}`);
  return turn;
}

test('turns go first come, first served', async () => {
  const table = newTable();
  const first = await turnOf(table, '/locks/a.lock');
  const order: string[] = [];
  const waiting = ['b', 'c', 'd'].map((name) =>
    turnOf(table, '/locks/a.lock').then((turn) => {
      order.push(name);
      turn.leave();
    }),
  );
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(order, [], 'nobody gets a turn while the first holds it');
  first.leave();
  await Promise.all(waiting);
  assert.deepEqual(order, ['b', 'c', 'd']);
});

test('different locks do not wait for each other, and the same path spelled relative does', async () => {
  const table = newTable();
  const a = await turnOf(table, '/locks/a.lock');
  const b = await turnOf(table, '/locks/b.lock', 1000);
  b.leave();
  const relative = join(process.cwd(), 'x.lock');
  const held = await turnOf(table, 'x.lock');
  assert.equal(await table.take(relative, 30, 60_000), 'timeout');
  held.leave();
  a.leave();
});

test('a waiter that gives up is passed over at once', async () => {
  const table = newTable();
  const first = await turnOf(table, '/locks/a.lock');
  const quitter = table.take('/locks/a.lock', 30, 60_000);
  const patient = turnOf(table, '/locks/a.lock', 10_000, 60_000);
  assert.equal(await quitter, 'timeout');
  first.leave();
  // staleMs is a minute: only the quitter's mark lets the patient waiter through now.
  (await patient).leave();
});

test('a turn that is never left is passed over after staleMs, and a heartbeat keeps it', async () => {
  const table = newTable();
  const lost = await turnOf(table, '/locks/a.lock');
  void lost; // never left, never heartbeats: like a thread that died holding its turn
  const next = await turnOf(table, '/locks/a.lock', 10_000, 50);
  const beating = setInterval(() => next.heartbeat(), 5);
  try {
    assert.equal(await table.take('/locks/a.lock', 200, 50), 'timeout', 'a live, heartbeating holder keeps its turn');
  } finally {
    clearInterval(beating);
  }
  next.leave();
  (await turnOf(table, '/locks/a.lock', 1000)).leave();
});

test('a full table answers null, and a slot is free again once its last user leaves', async () => {
  const table = newTable();
  const held: Turn[] = [];
  for (let i = 0; ; i++) {
    const turn = await table.take(`/locks/${i}.lock`, 1000, 60_000);
    if (turn === null) break;
    assert.notEqual(turn, 'timeout');
    held.push(turn as Turn);
    assert.ok(i < 1000, 'the table never filled up');
  }
  assert.ok(held.length >= 64, `only ${held.length} slots`);
  held.pop()!.leave();
  (await turnOf(table, '/locks/new.lock')).leave();
  for (const turn of held) turn.leave();
});

test('a lock with 32 tickets pending sends the next thread to the file alone', async () => {
  const table = newTable();
  const first = await turnOf(table, '/locks/a.lock');
  const pending = Array.from({ length: 31 }, () => turnOf(table, '/locks/a.lock').then((turn) => turn.leave()));
  assert.equal(await table.take('/locks/a.lock', 1000, 60_000), null);
  first.leave();
  await Promise.all(pending);
  (await turnOf(table, '/locks/a.lock', 1000)).leave();
});

test('a turn says which thread passed it on', async () => {
  const table = newTable();
  const first = await turnOf(table, '/locks/a.lock');
  assert.equal(first.from, null, 'the first in line got it from nobody');
  const second = turnOf(table, '/locks/a.lock');
  first.leave();
  assert.equal((await second).from, threadId);
  (await second).leave();
});

test('a buffer of the wrong size or version is not taken for a table', () => {
  assert.equal(turnTableOver(new SharedArrayBuffer(64)), null);
  assert.equal(turnTableOver(new SharedArrayBuffer(TURN_TABLE_BYTES)), null, 'a zeroed buffer has no version');
});

test('turns exclude each other across 6 real worker threads', async () => {
  const buffer = createTurnTableBuffer();
  const counter = new SharedArrayBuffer(8);
  const rounds = 150;
  const workers = Array.from(
    { length: 6 },
    () =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(siblingModule(import.meta.url, '../fixtures/turn-worker'), { workerData: { buffer, counter, rounds, path: '/locks/shared.lock' } });
        w.once('error', reject);
        w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}`))));
      }),
  );
  await Promise.all(workers);
  const [total, overlaps] = new Int32Array(counter);
  assert.equal(overlaps, 0, 'two threads had the turn at once');
  assert.equal(total, 6 * rounds, 'an increment made during a turn was lost');
});

test('worker threads inherit the process table: a turn held here makes a worker wait', async () => {
  const table = processTurns();
  assert.ok(table !== null);
  const path = `/locks/inherited-${process.pid}.lock`;
  const mine = await turnOf(table, path);
  const answer = new Promise<string>((resolve, reject) => {
    const w = new Worker(siblingModule(import.meta.url, '../fixtures/turn-probe'), { workerData: { path, maxWaitMs: 100 } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  assert.equal(await answer, 'timeout', 'the worker saw the turn held by the main thread');
  mine.leave();
  const again = new Promise<string>((resolve, reject) => {
    const w = new Worker(siblingModule(import.meta.url, '../fixtures/turn-probe'), { workerData: { path, maxWaitMs: 5000 } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  assert.equal(await again, 'turn');
});
