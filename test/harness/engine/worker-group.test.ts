// The engine's workers, threads and processes alike: one start barrier, tasks loaded by module
// and name, messages and results sent home as data.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRacetrackError } from '../../../core/errors.ts';
import { taskRef } from '../../../harness/engine/task.ts';
import { runWorkerGroup } from '../../../harness/engine/worker-group.ts';
import type { Pass } from '../../fixtures/engine-probe.ts';

const probe = (name: string) => taskRef(import.meta.url, '../../fixtures/engine-probe', name);

for (const isolation of ['thread', 'process'] as const) {
  describe(`workers on ${isolation}s`, () => {
    test('no worker leaves the start barrier before the last one has arrived, round after round', async () => {
      const sent: Array<{ party: number; round: number }> = [];
      const passes = await runWorkerGroup<Pass[]>(isolation, {
        task: probe('passBarrier'),
        inputs: Array.from({ length: 4 }, () => ({ rounds: 3, stagger: 2 })),
        onMessage: (party, m) => sent.push({ party, round: (m as { round: number }).round }),
      });
      assert.equal(passes.length, 4);
      for (let round = 0; round < 3; round++) {
        const lastArrival = Math.max(...passes.map((p) => p[round]!.arrivedNs));
        const firstLeave = Math.min(...passes.map((p) => p[round]!.leftNs));
        assert.ok(firstLeave >= lastArrival, `round ${round}: a worker left ${lastArrival - firstLeave} ns before the last arrived`);
      }
      for (let party = 0; party < 4; party++)
        assert.deepEqual(
          sent.filter((m) => m.party === party).map((m) => m.round),
          [0, 1, 2],
        );
    });

    test('a worker that fails before the barrier fails the group with its own error, and the others stop waiting', async () => {
      await assert.rejects(
        runWorkerGroup(isolation, { task: probe('failBeforeStart'), inputs: [{ failing: 1 }, { failing: 1 }, { failing: 1 }] }),
        (err: unknown) => isRacetrackError(err, 'ECORRUPT') && err.message === 'probe failure' && err.details.worker === 1 && err.details.probe === true,
      );
    });

    test('a task the module does not export is a failure of the group, not a hang', async () => {
      await assert.rejects(runWorkerGroup(isolation, { task: probe('nope'), inputs: [null, null] }), /worker \d failed: .*exports no task nope/);
    });

    test('aborting the signal ends workers that would never finish, and the group rejects with its reason', async () => {
      const controller = new AbortController();
      let started = 0;
      const run = runWorkerGroup(isolation, {
        task: probe('hang'),
        inputs: [null, null],
        onMessage: () => {
          if (++started === 2) controller.abort(new Error('stopped by the test'));
        },
        signal: controller.signal,
      });
      await assert.rejects(run, /stopped by the test/);
      assert.equal(started, 2);
    });
  });
}
