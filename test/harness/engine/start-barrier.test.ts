import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { detectRuntime, monotonicNs } from '../../../core/runtime.ts';
import { startInstant, untilInstant } from '../../../harness/engine/start-barrier.ts';

const wallMs = () => performance.timeOrigin + performance.now();

test('a start instant of this runtime is awaited on the clock its processes share', async () => {
  const at = startInstant(20);
  await untilInstant(at);
  assert.ok(monotonicNs() >= at.ns);
});

test('a start instant chosen by the other runtime is awaited on the wall clock, whose readings both share', async () => {
  const other = detectRuntime().name === 'node' ? 'deno' : 'node';
  // Its monotonic reading means nothing here: were it used, the wait would end at once.
  const at = { runtime: other, ns: 0, wallMs: wallMs() + 30 } as const;
  await untilInstant(at);
  assert.ok(wallMs() >= at.wallMs);
});
