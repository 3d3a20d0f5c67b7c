// Real processes, real signals: workers SIGKILLed mid-operation and lock holders SIGSTOPped past
// staleMs. The core must stay correct: no ID twice, nothing left after recovery, and a paused
// holder that wakes to a broken lock must not write.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pairOperations } from '../../../harness/history/history.ts';
import { runScenario } from '../../../harness/engine/run.ts';
import { readHistory } from '../../support/history-file.ts';
import { tempDir } from '../../support/tmp.ts';

const dir = tempDir('racetrack-faults-');
after(() => dir.cleanup());

describe('process faults', () => {
  test('workers SIGKILLed mid-operation: the core hands out no ID twice and recovery leaves nothing behind', async () => {
    const { result } = await runScenario({
      scenario: 'reserve',
      iterations: 12,
      workers: 6,
      isolation: 'process',
      seed: 21,
      outDir: join(dir.path, 'kill'),
      maxCollisionRate: 0,
      sut: 'core',
      keep: [],
      killRate: 0.25,
    });
    assert.equal(result.verdict, 'pass', JSON.stringify(result.violations));
    const history = readHistory(result.outDir);
    assert.ok((result.faults?.kills ?? 0) > 0, 'the nemesis killed workers');
    assert.ok(
      history.some((e) => e.worker === -1 && e.f === 'kill'),
      'kills are in the history',
    );
    const killedOps = pairOperations(history).filter((o) => o.f === 'reserve' && o.type === 'info');
    assert.equal(result.operations.info, killedOps.length, 'a killed operation is recorded as info');
  });

  test('a holder paused past staleMs wakes to a compromised lock and does not write', async () => {
    const { result } = await runScenario({
      scenario: 'reserve',
      iterations: 3,
      workers: 4,
      isolation: 'process',
      seed: 3,
      outDir: join(dir.path, 'pause'),
      maxCollisionRate: 0,
      sut: 'core',
      keep: [],
      pauseRate: 1,
      staleMs: 300,
    });
    assert.equal(result.verdict, 'pass', JSON.stringify(result.violations));
    const history = readHistory(result.outDir);
    assert.equal(result.faults?.pauses, 3);
    // The paused holder is each iteration's first: the others wait behind it and break its lock,
    // so every paused holder wakes to a compromised lock, and it is the one paused.
    // Its check before the write finds the lock gone, so the reserve is a plain fail: nothing was published.
    const compromised = pairOperations(history).filter(
      (o) => o.f === 'reserve' && o.type === 'fail' && (o.value as { error?: string; stage?: string }).error === 'ECOMPROMISED' && (o.value as { stage?: string }).stage === 'check',
    );
    const paused = history.filter((e) => e.worker === -1 && e.f === 'pause').map((e) => `${e.iteration}:${(e.value as { worker: number }).worker}`);
    assert.deepEqual(compromised.map((o) => `${o.iteration}:${o.worker}`).sort(), paused.sort());
  });

  test('kills need process isolation', async () => {
    await assert.rejects(
      runScenario({ scenario: 'reserve', iterations: 1, workers: 2, isolation: 'thread', seed: 1, outDir: join(dir.path, 'bad'), maxCollisionRate: 0, sut: 'core', keep: [], killRate: 0.5 }),
      { code: 'EINVALID' },
    );
  });
});
