import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pausedHolderSilent } from '../../../harness/checkers/paused-holder-silent.ts';
import { mergeEvents, type RawEvent } from '../../../harness/history/history.ts';

const at = (time: number, worker: number, type: RawEvent['type'], f: string, value: unknown = null): RawEvent => ({ time, worker, iteration: 0, type, f, value });

const CHECKED = { error: 'ECOMPROMISED', message: 'the lock file is gone', stage: 'check' };

/** Worker 0 takes the lock at 10 and is paused at 11 until 1200; worker 1 acquires at `takeover`; worker 0's update ends as `update`, with `value`. */
function pausedRun(takeover: number, update: RawEvent['type'] | null, resume = true, value: unknown = update === 'ok' ? { before: 1, after: 2 } : CHECKED): ReturnType<typeof mergeEvents> {
  const events: RawEvent[] = [
    at(9, 0, 'invoke', 'acquire'),
    at(10, 0, 'ok', 'acquire'),
    at(11, -1, 'info', 'pause', { worker: 0, forMs: 1250 }),
    at(takeover - 1, 1, 'invoke', 'acquire'),
    at(takeover, 1, 'ok', 'acquire'),
    at(takeover + 1, 1, 'invoke', 'update'),
    at(takeover + 2, 1, 'ok', 'update', { before: 0, after: 1 }),
  ];
  if (resume) events.push(at(1200, -1, 'info', 'resume', { worker: 0 }));
  if (update !== null) {
    events.push(at(1201, 0, 'invoke', 'update'));
    events.push(at(1202, 0, update, 'update', value));
  }
  return mergeEvents([events]);
}

const check = (history: ReturnType<typeof mergeEvents>) => pausedHolderSilent()({ history, snapshots: [], keep: [], faulted: true });

describe('pausedHolderSilent', () => {
  test('a woken holder whose lock was taken and that does not publish passes', () => {
    const r = check(pausedRun(500, 'fail'));
    assert.equal(r.verdict, 'pass');
    assert.deepEqual(r.stats, { pauses: 1, takenOver: 1, heldOff: 0, violations: 0, unjudged: 0 });
  });

  test('a woken holder that publishes after its lock was taken fails, even when its write looks consistent', () => {
    const r = check(pausedRun(500, 'ok'));
    assert.equal(r.verdict, 'fail');
    assert.deepEqual(r.examples, [{ iteration: 0, worker: 0, f: 'update', value: { before: 1, after: 2 }, lockTakenBy: 1 }]);
  });

  test('a woken holder that learns of the break only at release may have published: it fails', () => {
    const atRelease = { error: 'ECOMPROMISED', message: 'the lock file belongs to another holder', stage: 'release' };
    const r = check(pausedRun(500, 'info', true, atRelease));
    assert.equal(r.verdict, 'fail');
    assert.equal(r.stats?.violations, 1);
  });

  test('a woken holder whose outcome is unknown for another reason cannot be judged', () => {
    const r = check(pausedRun(500, 'info', true, { error: 'EINDETERMINATE', message: 'killed' }));
    assert.equal(r.verdict, 'unknown');
    assert.deepEqual(r.stats, { pauses: 1, takenOver: 1, heldOff: 0, violations: 0, unjudged: 1 });
  });

  test('a holder whose lock nobody took while it was stopped may go on, but with no takeover nothing was judged', () => {
    const r = check(pausedRun(1300, 'ok'));
    assert.equal(r.verdict, 'unknown');
    assert.deepEqual(r.stats, { pauses: 1, takenOver: 0, heldOff: 0, violations: 0, unjudged: 0 });
    assert.match(r.message, /nothing to judge: 1 holder paused, but nobody took the lock/);
  });

  test('a holder that kept its lock through the pause from a worker already waiting for it passes: the lock outlasted the pause', () => {
    // Worker 1 asks for the lock at 5, before the pause, and gets it only at 1300, after the resume (a kernel lock).
    const history = mergeEvents([
      [at(5, 1, 'invoke', 'acquire'), at(1300, 1, 'ok', 'acquire'), at(1301, 1, 'invoke', 'update'), at(1302, 1, 'ok', 'update', { before: 1, after: 2 })],
      [at(4, 0, 'invoke', 'acquire'), at(10, 0, 'ok', 'acquire'), at(1201, 0, 'invoke', 'update'), at(1202, 0, 'ok', 'update', { before: 0, after: 1 })],
      [at(11, -1, 'info', 'pause', { worker: 0, forMs: 1250 }), at(1200, -1, 'info', 'resume', { worker: 0 })],
    ]);
    const r = check(history);
    assert.equal(r.verdict, 'pass', r.message);
    assert.deepEqual(r.stats, { pauses: 1, takenOver: 0, heldOff: 1, violations: 0, unjudged: 0 });
    assert.match(r.message, /1 paused holder kept the lock from waiting workers until woken/);
  });

  test('a pause placed in a command after its lock was released held no holder: it cannot be judged', () => {
    const events = [...pausedRun(500, 'ok').map((e) => ({ time: e.time, worker: e.worker, iteration: e.iteration, type: e.type, f: e.f, value: e.value }))];
    events.push(at(1199, 0, 'info', 'pause-placed', { idiom: 'excl', syscall: 'openat', late: true, stopped: true, effective: false }));
    const r = check(mergeEvents([events.sort((a, b) => a.time - b.time)]));
    assert.equal(r.verdict, 'unknown');
    assert.deepEqual(r.stats, { pauses: 0, takenOver: 0, heldOff: 0, violations: 0, unjudged: 1 });
  });

  test('a pause without its resume cannot be judged', () => {
    assert.equal(check(pausedRun(500, null, false)).verdict, 'unknown');
  });

  test('a run that paused nobody proves nothing', () => {
    const history = mergeEvents([[at(9, 0, 'invoke', 'write'), at(10, 0, 'ok', 'write')]]);
    assert.equal(check(history).verdict, 'unknown');
  });
});
