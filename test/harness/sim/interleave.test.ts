import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interleave, type SimProcess } from '../../../harness/sim/interleave.ts';
import { seededDepsRandom } from '../../../harness/sim/seeded-deps-random.ts';
import { SimDisk } from '../../../harness/sim/sim-disk.ts';

function writer(name: string, dirs: number): SimProcess {
  return {
    name,
    random: () => seededDepsRandom(name.length),
    async run(deps, mark) {
      for (let i = 0; i < dirs; i++) {
        deps.fs.mkdir(`/${name}${i}`);
        await deps.clock.sleep(5);
        if (i === 0) mark('first');
      }
    },
  };
}

test('the schedule decides whose fs call runs next, one call per step', async () => {
  const disk = new SimDisk();
  const { steps, outcomes } = await interleave([writer('a', 2), writer('b', 2)], { disk: disk.facade(), schedule: [1, 1, 0], maxSteps: 100, startWallMs: 0 });
  const order = steps.filter((s) => s.call !== null).map((s) => `${s.process}:${s.call!.args[0]}`);
  assert.deepEqual(order, ['1:/b0', '1:/b1', '0:/a0', '0:/a1']);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['done', 'done'],
  );
  assert.deepEqual(disk.facade().readdir('/').sort(), ['a0', 'a1', 'b0', 'b1']);
});

test('a process retraces its path on every step: each fs call reaches the disk once', async () => {
  const disk = new SimDisk();
  const { outcomes } = await interleave([writer('a', 3), writer('b', 3)], { disk: disk.facade(), schedule: [0, 1, 0, 1, 0, 1], maxSteps: 100, startWallMs: 0 });
  assert.equal(disk.calls, 6);
  assert.deepEqual(outcomes[0]!.callSteps, [0, 2, 4]);
  assert.equal(outcomes[0]!.marks.get('first'), 1, 'marked after its first call');
});

test('a process that throws is failed with its error, the others go on', async () => {
  const disk = new SimDisk();
  disk.facade().mkdir('/a0');
  const { outcomes } = await interleave([writer('a', 1), writer('b', 1)], { disk: disk.facade(), schedule: [], maxSteps: 100, startWallMs: 0 });
  assert.equal(outcomes[0]!.status, 'failed');
  assert.equal(outcomes[0]!.error?.code, 'EEXIST');
  assert.equal(outcomes[1]!.status, 'done');
});

test('the step budget leaves a process that never finishes unfinished', async () => {
  const spinner: SimProcess = {
    name: 'spin',
    random: () => seededDepsRandom(1),
    async run(deps) {
      for (;;) deps.fs.readdir('/');
    },
  };
  const { outcomes, steps } = await interleave([spinner], { disk: new SimDisk().facade(), schedule: [], maxSteps: 50, startWallMs: 0 });
  assert.equal(outcomes[0]!.status, 'unfinished');
  assert.equal(steps.length, 50);
});

test('a function schedule is asked before each call, and a process it keeps picking runs on in one execution', async () => {
  const disk = new SimDisk();
  const executions = new Map<string, number>();
  const counted = (w: SimProcess): SimProcess => ({
    ...w,
    run(deps, mark) {
      executions.set(w.name, (executions.get(w.name) ?? 0) + 1);
      return w.run(deps, mark);
    },
  });
  // b until it has made two calls, then a.
  const { steps, outcomes } = await interleave([counted(writer('a', 2)), counted(writer('b', 3))], { disk: disk.facade(), schedule: (step) => (step < 2 ? 1 : 0), maxSteps: 100, startWallMs: 0 });
  const order = steps.filter((s) => s.call !== null).map((s) => `${s.process}:${s.call!.args[0]}`);
  assert.deepEqual(order, ['1:/b0', '1:/b1', '0:/a0', '0:/a1', '1:/b2']);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['done', 'done'],
  );
  assert.equal(disk.calls, 5, 'each call reached the disk once');
  assert.deepEqual(Object.fromEntries(executions), { a: 1, b: 2 }, 'one execution per turn, not one per call');
});
