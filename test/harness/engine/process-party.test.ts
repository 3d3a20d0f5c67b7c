import assert from 'node:assert/strict';
import { test } from 'node:test';
import { releaseTogether } from '../../../harness/engine/process-group.ts';
import { launchOf, ProcessParty, type Settled } from '../../../harness/engine/process-party.ts';
import { taskRef } from '../../../harness/engine/task.ts';

const hang = launchOf(taskRef(import.meta.url, '../../fixtures/engine-probe', 'hang'));

/** Starts a worker process running `hang`, and resolves it with its run once the task is under way. */
async function started(): Promise<{ party: ProcessParty; run: Promise<Settled> }> {
  const party = await ProcessParty.start(hang, 0, 1);
  let underWay: () => void = () => {};
  const sent = new Promise<void>((resolve) => (underWay = resolve));
  releaseTogether([party], { marginMs: 1, onMessage: () => underWay() });
  const run = party.run(null);
  await sent;
  return { party, run };
}

test('a worker process the parent SIGKILLs ends its run as killed, an outcome rather than a failure', async () => {
  const { party, run } = await started();
  party.kill('SIGKILL');
  assert.deepEqual(await run, { killed: true });
  assert.equal(party.alive, false);
  assert.deepEqual(await party.run(null), { killed: true }, 'a later run finds it killed too');
});

test('a worker process that dies of anything else fails its run, saying how it ended', async () => {
  const { party, run } = await started();
  party.kill('SIGTERM');
  const settled = await run;
  assert.ok(!('killed' in settled) && !settled.ok, JSON.stringify(settled));
  assert.match(settled.failure.message, /exited \(code null, signal SIGTERM\)/);
});

test('a worker killed just as it returned its result looks alive until settleKill, which waits until it is gone', async () => {
  const party = await ProcessParty.start(launchOf(taskRef(import.meta.url, '../../fixtures/engine-probe', 'passBarrier')), 0, 1);
  releaseTogether([party], { marginMs: 1 });
  const settled = await party.run({ rounds: 1 });
  assert.ok(!('killed' in settled) && settled.ok, JSON.stringify(settled));
  party.kill('SIGKILL');
  // The result came in before the kill: the process is gone, but its end has not been read yet.
  assert.equal(party.alive, true, 'right after the kill, the end has not been heard');
  await party.settleKill();
  assert.equal(party.alive, false);
  assert.deepEqual(await party.run({ rounds: 1 }), { killed: true }, 'so the next iteration replaces it instead of running it');
});
