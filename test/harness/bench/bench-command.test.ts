import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BenchReport } from '../../../harness/bench/bench-types.ts';
import { benchPlanFrom, runBench } from '../../../harness/cli/verbs/bench.ts';
import { isRacetrackError } from '../../../core/errors.ts';
import { tempDir } from '../../support/tmp.ts';

test('the full sweep includes 1 and 10 workers, so that every ratio can be computed', () => {
  const plan = benchPlanFrom({});
  assert.ok(plan.config.workers.includes(1) && plan.config.workers.includes(10));
  assert.equal(plan.config.quick, false);
  assert.equal(plan.config.durable, true);
  assert.notEqual(plan.overhead, null);
  assert.notEqual(plan.singleOp, null);
  const quick = benchPlanFrom({ quick: true });
  assert.ok(quick.config.workers.includes(1) && quick.config.workers.includes(10));
  assert.ok(quick.config.workers.length < plan.config.workers.length);
  assert.ok(quick.config.durationMs < plan.config.durationMs);
  assert.equal(plan.overhead?.iterations, 10_000, 'harnessThroughput is judged at 10^4 iterations');
  assert.equal(quick.overhead?.iterations, 1000, '--quick measures the overhead on a tenth of them, as context');
  assert.equal(benchPlanFrom({ quick: true, overheadIterations: '20000' }).overhead?.iterations, 20_000);
});

test('bad bench options are EINVALID before anything runs', () => {
  const invalid = (o: Parameters<typeof benchPlanFrom>[0]) =>
    assert.throws(
      () => benchPlanFrom(o),
      (e: unknown) => isRacetrackError(e) && e.code === 'EINVALID',
    );
  invalid({ workers: '1,x' });
  invalid({ workers: '0' });
  invalid({ workers: '' });
  invalid({ duration: '1.5' });
  invalid({ op: 'dance' });
  invalid({ isolation: 'vm' });
  invalid({ impls: 'core,nope' });
  invalid({ overheadWorkers: '1000' });
});

test('the command line in the report reproduces the options given', () => {
  const plan = benchPlanFrom({ quick: true, op: 'claim', isolation: 'process', impls: 'core,flock', durable: false });
  assert.equal(plan.config.command, 'racetrack bench --quick --op claim --isolation process --impls core,flock --no-durable');
});

test('racetrack bench writes bench.json, bench.md and bench.html', async () => {
  const dir = tempDir();
  try {
    const lines: string[] = [];
    const result = await runBench({ out: dir.path, workers: '1,2', duration: '150', impls: 'core,spec-spin', singleOp: false, overhead: false }, (s) => lines.push(s));
    assert.equal(result.exitCode, 0);
    for (const f of ['bench.json', 'bench.md', 'bench.html']) assert.ok(existsSync(join(dir.path, f)), f);
    const report = JSON.parse(readFileSync(join(dir.path, 'bench.json'), 'utf8')) as BenchReport;
    assert.deepEqual(
      report.contention.map((r) => r.name),
      ['core', 'spec-spin'],
    );
    assert.ok(report.contention.every((r) => r.points.length === 2 && r.points.every((p) => p.ops > 0)));
    assert.equal(report.ratios.vsProperLockfile.met, null);
    assert.equal(report.ratios.harnessOverhead.met, null);
    assert.ok(lines.some((l) => l.includes('contendedVsSerial')));
  } finally {
    dir.cleanup();
  }
});
