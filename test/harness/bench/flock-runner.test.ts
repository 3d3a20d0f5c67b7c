import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlockOutput } from '../../../harness/bench/flock-runner.ts';
import { latencyStats, mergeEncoded } from '../../../harness/stats/hdr.ts';

test('the bash output turns into ops, errors and wait/hold/op histograms', () => {
  const start = 1_000_000_000;
  const out = [`${start + 10} ${start + 1010} ${start + 3010} ${start + 3110}`, 'E flock failed', `${start + 4000} ${start + 4500} ${start + 6500} ${start + 6600}`, ''].join('\n');
  const o = parseFlockOutput(3, out, start);
  assert.equal(o.worker, 3);
  assert.equal(o.ops, 2);
  assert.equal(o.errors, 1);
  assert.deepEqual(o.errorSamples, ['flock failed']);
  assert.equal(o.elapsedNs, 6600 * 1000);
  assert.equal(latencyStats(mergeEncoded([o.wait]))!.count, 2);
  assert.equal(latencyStats(mergeEncoded([o.hold]))!.count, 2);
  assert.equal(latencyStats(mergeEncoded([o.op]))!.count, 2);
});

test('an unreadable line is an error of the runner, not a silent zero', () => {
  assert.throws(() => parseFlockOutput(0, 'garbage here\n', 0), /unreadable line/);
});
