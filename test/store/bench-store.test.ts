import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BenchReport } from '../../harness/bench/bench-types.ts';
import { racetrack } from '../support/cli.ts';
import { NO_POSTGRES } from '../support/pg.ts';
import { tempDir } from '../support/tmp.ts';

const quick = ['--duration', '150', '--rounds', '1', '--no-single-op', '--no-overhead'];

for (const op of ['reserve', 'claim']) {
  test(`bench --store postgres --op ${op}: a postgres row beside the core at each worker count, on a cluster with fsync on`, { skip: NO_POSTGRES }, () => {
    const dir = tempDir();
    try {
      const run = racetrack(['bench', '--store', 'postgres', '--op', op, '--impls', 'core,postgres', '--workers', '1,2', ...quick, '--out', dir.path], { timeoutMs: 120_000 });
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const report = JSON.parse(readFileSync(join(dir.path, 'bench.json'), 'utf8')) as BenchReport;
      assert.deepEqual(
        report.contention.map((r) => [r.name, r.skipped]),
        [
          ['core', null],
          ['postgres', null],
        ],
      );
      for (const row of report.contention) {
        assert.deepEqual(
          row.points.map((p) => p.workers),
          [1, 2],
          row.name,
        );
        for (const p of row.points) {
          assert.ok(p.ops > 0 && p.throughput > 0, `${row.name} x${p.workers}: ${p.ops} ops`);
          assert.equal(p.errors, 0, `${row.name} x${p.workers}: ${p.errorSamples.join('; ')}`);
          assert.equal(p.inconsistency, null, `${row.name} x${p.workers}`);
        }
      }
      assert.equal(report.config.store, 'postgres');
      assert.equal(report.store?.fsync, 'on');
      assert.equal(report.store?.durable, true);
      assert.match(readFileSync(join(dir.path, 'bench.md'), 'utf8'), /fsync=on, synchronous_commit=on: durable/);
    } finally {
      dir.cleanup();
    }
  });
}

test('bench --store --no-durable runs the cluster with fsync off, and its rows say they are not durable', { skip: NO_POSTGRES }, () => {
  const dir = tempDir();
  try {
    const run = racetrack(['bench', '--store', 'postgres', '--impls', 'postgres', '--no-durable', ...quick, '--workers', '1', '--out', dir.path], { timeoutMs: 120_000 });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(readFileSync(join(dir.path, 'bench.json'), 'utf8')) as BenchReport;
    assert.equal(report.store?.fsync, 'off');
    assert.equal(report.store?.durable, false);
    assert.ok(report.contention[0]!.points[0]!.ops > 0);
    assert.match(readFileSync(join(dir.path, 'bench.md'), 'utf8'), /NOT durable/);
  } finally {
    dir.cleanup();
  }
});

test('bench --store: bad input exits 2 with a JSON error and writes nothing', () => {
  const dir = tempDir();
  try {
    const out = join(dir.path, 'out');
    for (const args of [
      ['--store', 'postgres', '--op', 'lock'],
      ['--store', 'mysql://db/x'],
      ['--impls', 'core,postgres'],
    ]) {
      const run = racetrack(['bench', ...args, ...quick, '--out', out]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`);
      assert.equal(run.json().error, 'EINVALID');
    }
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir.path), []);
  } finally {
    dir.cleanup();
  }
});

test('bench --store postgres without PostgreSQL exits 2 with the install hint', { skip: NO_POSTGRES === undefined ? 'PostgreSQL is installed here' : false }, () => {
  const run = racetrack(['bench', '--store', 'postgres', ...quick]);
  assert.equal(run.code, 2, run.stdout);
  assert.match(String(run.json().message), /apt-get install postgresql/);
});
