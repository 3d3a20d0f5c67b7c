import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeRatios, judgeRatio } from '../../../harness/bench/ratios.ts';
import { sampleBenchReport } from '../../reports/bench-sample-report.ts';

test('every ratio of DESIGN.md is reported with its target', () => {
  const { contention, overhead } = sampleBenchReport();
  const ratios = computeRatios(contention, overhead, 10);
  assert.deepEqual(Object.keys(ratios).sort(), ['contendedVsSerial', 'harnessOverhead', 'p99WaitOverFairShare', 'vsProperLockfile', 'vsSeedSpin']);
  for (const r of Object.values(ratios)) {
    assert.match(r.target, /^(>=|<=) \d/);
    assert.ok(r.basis.length > 0);
    assert.equal(typeof r.met, 'boolean');
  }
});

test('each ratio also gives its value in every round, core round i against peer round i', () => {
  const { contention, overhead } = sampleBenchReport();
  const ratios = computeRatios(contention, overhead, 10);
  // The sample's rounds run at 0.9 and 1.1 of each point's throughput; core 360 vs seed-spin 135 at 10 workers.
  assert.deepEqual(ratios.vsSeedSpin.rounds.map((v) => v.toFixed(3)), ['2.667', '2.667']);
  assert.deepEqual(ratios.contendedVsSerial.rounds.map((v) => v.toFixed(3)), ['0.900', '0.900']);
  assert.deepEqual(ratios.p99WaitOverFairShare.rounds, [0.8, 1]);
  assert.deepEqual(ratios.harnessOverhead.rounds, [], 'one measurement, no rounds');
});

test('a ratio whose inputs were not measured is null and neither met nor missed', () => {
  const { contention } = sampleBenchReport();
  const ratios = computeRatios(contention.filter((r) => r.name === 'core'), null, 16);
  for (const r of Object.values(ratios)) {
    assert.equal(r.value, null);
    assert.equal(r.met, null);
  }
});

test('at-least targets are met from the bound up, at-most targets up to the bound', () => {
  assert.equal(judgeRatio('vsSeedSpin', 1.5, '').met, true);
  assert.equal(judgeRatio('vsSeedSpin', 1.49, '').met, false);
  assert.equal(judgeRatio('harnessOverhead', 1.5, '').met, true);
  assert.equal(judgeRatio('harnessOverhead', 1.51, '').met, false);
  assert.equal(judgeRatio('p99WaitOverFairShare', Number.NaN, '').met, null);
  assert.deepEqual(judgeRatio('p99WaitOverFairShare', 3.2, '', [2.9, null, Number.NaN, 3.5]).rounds, [2.9, 3.5], 'rounds that measured nothing are left out');
});
