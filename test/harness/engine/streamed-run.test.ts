import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildChecker, buildIncremental } from '../../../harness/checkers/build.ts';
import type { CheckerSpec } from '../../../harness/checkers/spec.ts';
import { ROOTS_AHEAD, runScenario, type RunOptions } from '../../../harness/engine/run.ts';
import { scenarioByName } from '../../../scenarios/workloads/index.ts';
import { readHistory } from '../../support/history-file.ts';
import { tempDir } from '../../support/tmp.ts';

const dir = tempDir('racetrack-streamed-');
after(() => dir.cleanup());

function options(extra: Partial<RunOptions> & { outDir: string }): RunOptions {
  return { scenario: 'reserve', iterations: 6, workers: 3, isolation: 'thread', seed: 5, maxCollisionRate: 0, sut: 'core', keep: [], ...extra };
}

describe('a run checked iteration by iteration', () => {
  const PAUSED: CheckerSpec = { checker: 'paused-holder-silent', needs: 'lock-events' };
  for (const { scenario, sut, extra = {}, also = [] } of [
    { scenario: 'reserve', sut: 'core' },
    { scenario: 'reserve', sut: 'reserve-unlocked' },
    { scenario: 'allocate', sut: 'core' },
    { scenario: 'allocate', sut: 'allocate-narrow-lock' },
    { scenario: 'update-json', sut: 'core' },
    { scenario: 'update-json', sut: 'update-json-unlocked' },
    { scenario: 'lock', sut: 'core' },
    { scenario: 'claim', sut: 'core' },
    { scenario: 'claim', sut: 'claim-unlocked' },
    { scenario: 'atomic-write', sut: 'core' },
    { scenario: 'atomic-write', sut: 'write-in-place' },
    { scenario: 'lock', sut: 'core', extra: { isolation: 'process', pauseRate: 1, staleMs: 300 }, also: [PAUSED] },
  ] as { scenario: string; sut: string; extra?: Partial<RunOptions>; also?: CheckerSpec[] }[]) {
    const paused = also.length > 0 ? ', paused' : '';
    test(`${scenario} on ${sut}${paused}: each checker fed iteration by iteration judges as it does the whole history at once`, async () => {
      const out = join(dir.path, `same-${scenario}-${sut}${paused}`);
      const { result, history, snapshots } = await runScenario(options({ scenario, sut, iterations: 8, workers: 4, outDir: out, retain: true, keepRoots: true, ...extra }));
      assert.ok(history !== undefined && snapshots !== undefined);
      assert.deepEqual(readHistory(out), history, 'history.jsonl holds the merged history');
      const input = { history, snapshots, keep: [], faulted: also.length > 0 };
      const settings = { staleMs: extra.staleMs };
      for (const spec of [...scenarioByName(scenario).checks, ...also]) {
        const whole = buildChecker(spec, settings)(input);
        const checker = buildIncremental(spec, settings)();
        for (const s of snapshots) checker.feed({ ...input, history: history.filter((e) => e.iteration === s.iteration), snapshots: [s] });
        assert.deepEqual(checker.finish(), whole, `${spec.checker}`);
        assert.deepEqual(
          result.checks.find((c) => c.checker === spec.checker),
          whole,
          `the run's ${spec.checker}`,
        );
      }
      if (sut === 'reserve-unlocked') assert.equal(result.verdict, 'fail', 'the control is caught');
      if (also.length > 0) {
        const stats = result.checks.find((c) => c.checker === PAUSED.checker)?.stats as { takenOver: number; heldOff: number } | undefined;
        assert.ok(stats !== undefined && stats.takenOver + stats.heldOff > 0, `some pause was judged: ${JSON.stringify(stats)}`);
      }
    });
  }

  for (const [isolation, scenario] of [
    ['thread', 'reserve'],
    ['process', 'reserve'],
    ['thread', 'allocate'],
    ['thread', 'claim'],
    ['thread', 'atomic-write'],
  ] as const) {
    test(`${scenario} on ${isolation}s: the events and roots held at once do not grow with the number of iterations`, async () => {
      const bound = isolation === 'thread' ? ROOTS_AHEAD + 1 : 1;
      for (const iterations of [3, 40]) {
        const out = join(dir.path, `held-${scenario}-${isolation}-${iterations}`);
        const rootsDir = join(out, 'roots');
        let mostRoots = 0;
        const onProgress = () => {
          mostRoots = Math.max(mostRoots, existsSync(rootsDir) ? readdirSync(rootsDir).length : 0);
        };
        const { result, held, history } = await runScenario(options({ scenario, iterations, isolation, outDir: out, onProgress }));
        assert.equal(result.verdict, 'pass', JSON.stringify(result.violations));
        assert.equal(history, undefined, 'nothing retained unless asked');
        const opsPerWorker = scenario === 'atomic-write' ? 2 : 1; // its workers write, then read back
        assert.equal(result.operations.attempted, iterations * 3 * opsPerWorker, 'every iteration was run and counted');
        assert.equal(readHistory(out).length, readHistory(out).at(-1)!.index + 1, 'history.jsonl holds every event');
        assert.ok(held.largestIteration > 0);
        assert.ok(held.iterations <= bound, `at most ${bound} iterations held at once, not ${held.iterations}`);
        assert.ok(held.events <= bound * held.largestIteration, `events held (${held.events}) within ${bound} iterations' worth`);
        assert.ok(mostRoots <= bound + 1, `at most ${bound + 1} roots on disk at once, not ${mostRoots}`);
      }
    });
  }

  test('a failing run keeps the roots of the iterations where something was found, and only those', async () => {
    const out = join(dir.path, 'kept-failing');
    const { result } = await runScenario(options({ sut: 'reserve-unlocked', iterations: 10, workers: 4, outDir: out }));
    assert.equal(result.verdict, 'fail');
    const failing = new Set(result.checks.flatMap((c) => c.examples.map((e) => (e as { iteration?: number }).iteration)));
    const kept = readdirSync(join(out, 'roots')).map((name) => Number(name.slice(1)));
    assert.ok(kept.length > 0 && kept.length <= 10);
    for (const i of failing) if (i !== undefined) assert.ok(kept.includes(i), `iteration ${i}, shown in an example, keeps its root`);
  });
});
