import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUSY_READS, createVirtualClock } from '../../../harness/sim/virtual-clock.ts';

test('simulated time moves with readings and jumps by whole sleeps', async () => {
  const clock = createVirtualClock(1000, 0.5);
  const a = clock.now();
  const b = clock.now();
  assert.ok(b > a && a > 1000);
  const before = clock.monotonic();
  await clock.sleep(200);
  assert.ok(clock.monotonic() - before >= 200);
});

test('a busy loop that polls the clock without sleeping sees time run faster', () => {
  const clock = createVirtualClock(0, 0.001);
  for (let i = 0; i < BUSY_READS; i++) clock.monotonic();
  const calm = clock.elapsed();
  for (let i = 0; i < 200; i++) clock.monotonic();
  assert.ok(clock.elapsed() - calm >= 200, 'a 1 s wait does not take a million readings');
});
