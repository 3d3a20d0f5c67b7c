import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pairOperations, type HistoryEvent } from '../../../harness/history/history.ts';
import { runScenario, type RunOptions } from '../../../harness/engine/run.ts';
import { SCENARIOS } from '../../../scenarios/workloads/index.ts';
import { readHistory } from '../../support/history-file.ts';
import { tempDir } from '../../support/tmp.ts';

const dir = tempDir('racetrack-run-');
after(() => dir.cleanup());

function options(scenario: string, isolation: 'thread' | 'process', extra: Partial<RunOptions> = {}): RunOptions {
  return { scenario, iterations: 4, workers: 4, isolation, seed: 11, outDir: join(dir.path, `${scenario}-${isolation}`), maxCollisionRate: 0, sut: 'core', keep: [], ...extra };
}

/** Every invoke completed exactly once, by the worker and iteration that invoked it. */
function assertWellFormed(history: readonly HistoryEvent[], iterations: number, workers: number): void {
  const open = new Map<string, number>();
  for (const e of history) {
    const key = `${e.worker}/${e.iteration}/${e.f}`;
    const n = open.get(key) ?? 0;
    if (e.type === 'invoke') open.set(key, n + 1);
    else {
      assert.equal(n, 1, `a ${e.type} ${e.f} of worker ${e.worker} in iteration ${e.iteration} completes one open invoke`);
      open.set(key, 0);
    }
  }
  assert.ok(
    [...open.values()].every((n) => n === 0),
    'no invoke is left without its completion',
  );
  assert.deepEqual(
    history.map((e) => e.index),
    history.map((_, i) => i),
    'indexes follow the merged order',
  );
  for (let i = 1; i < history.length; i++) assert.ok(history[i]!.time >= history[i - 1]!.time, 'the history is in time order');
  for (let it = 0; it < iterations; it++) {
    const seen = new Set(history.filter((e) => e.iteration === it).map((e) => e.worker));
    assert.equal(seen.size, workers, `every worker recorded iteration ${it}`);
  }
}

describe('runScenario', () => {
  for (const isolation of ['thread', 'process'] as const) {
    for (const scenario of SCENARIOS) {
      test(`${scenario.name} on ${isolation}s passes against the core with a well-formed history`, async () => {
        const { result } = await runScenario(options(scenario.name, isolation));
        const history = readHistory(result.outDir);
        assert.equal(result.verdict, 'pass', JSON.stringify(result.violations));
        assert.equal(result.isolation, isolation);
        assert.equal(result.operations.attempted, result.operations.ok + result.operations.fail + result.operations.info);
        assert.ok(result.operations.attempted >= 16);
        assert.equal(result.collisions, 0);
        assertWellFormed(history, 4, 4);
        assert.equal(existsSync(join(result.outDir, 'roots')), false, 'a passing run removes its roots');
      });
    }
  }

  test('core primitives that lock report hold and wait times', async () => {
    const { result } = await runScenario(options('reserve', 'thread', { outDir: join(dir.path, 'timed') }));
    const history = readHistory(result.outDir);
    assert.equal(result.lockHold?.count, 16);
    assert.equal(result.lockWait?.count, 16);
    const acquires = pairOperations(history).filter((o) => o.f === 'acquire' && o.type === 'ok');
    assert.equal(acquires.length, 16);
  });

  test('the same seed makes the same random choices', async () => {
    const counts = async (out: string) => {
      const { result } = await runScenario(options('reserve', 'thread', { outDir: join(dir.path, out), seed: 99 }));
      const history = readHistory(result.outDir);
      return history
        .filter((e) => e.f === 'reserve' && e.type === 'invoke')
        .map((e) => `${e.worker}/${e.iteration}:${JSON.stringify(e.value)}`)
        .sort();
    };
    assert.deepEqual(await counts('seed-a'), await counts('seed-b'));
  });

  test('keepRoots keeps the iteration roots of a passing run', async () => {
    const { result } = await runScenario(options('allocate', 'thread', { outDir: join(dir.path, 'kept'), keepRoots: true, iterations: 2 }));
    assert.ok(existsSync(join(result.outDir, 'roots', 'i0001')));
  });
});
