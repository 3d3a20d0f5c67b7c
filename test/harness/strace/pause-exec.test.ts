// `racetrack run … --exec … --pause`: the user's command is stopped right after strace shows it
// take its lock, past --stale-ms, on real scripts under real strace. A kernel lock outlasts the
// pause; a lock file broken by its age does not.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunResult } from '../../../harness/engine/run-result.ts';
import { runScenario } from '../../../harness/engine/run.ts';
import { PAUSE_GATE_US } from '../../../harness/strace/pause-holder.ts';
import { tempDir } from '../../support/tmp.ts';
import { lockIdiomsDir, needStrace } from './strace-fixtures.ts';

const EXAMPLES = join(lockIdiomsDir(), '../../../scenarios/examples');
const dir = tempDir('racetrack-pause-exec-');
after(() => dir.cleanup());
let runs = 0;

async function pausedRun(exec: string, staleMs: number, keep: string[] = []): Promise<RunResult> {
  const outDir = join(dir.path, `run-${runs++}`);
  const { result } = await runScenario({ scenario: 'lock', iterations: 3, workers: 3, isolation: 'process', seed: 7, outDir, maxCollisionRate: 0, sut: 'core', exec, keep, pauseRate: 1, staleMs });
  return result;
}

const check = (result: RunResult, checker: string) => result.checks.find((c) => c.checker === checker);

describe('run --exec --pause', () => {
  test('flock(1) paused past --stale-ms right after its flock(2): mutual exclusion holds, the waiters were held off', async (t) => {
    if (needStrace(t) === null) return;
    const result = await pausedRun('flock {lock} {critical}', 500, ['section.lock']);
    const me = check(result, 'mutual-exclusion');
    assert.equal(me?.verdict, 'pass', me?.message);
    const silent = check(result, 'paused-holder-silent');
    assert.equal(silent?.verdict, 'pass', silent?.message);
    assert.ok(Number(silent?.stats?.heldOff) >= 1, JSON.stringify(silent?.stats));
    assert.equal(result.verdict, 'pass', JSON.stringify(result.violations));
    const f = result.faults!;
    assert.equal(f.pauses, 3, 'one pause per iteration at --pause-rate 1');
    assert.equal(f.pausesMissed, 0);
    assert.equal(f.pauseList?.length, 3);
    for (const p of f.pauseList ?? []) {
      assert.equal(p.idiom, 'flock');
      assert.equal(p.syscall, 'flock');
      assert.equal(p.effective, true);
      assert.ok(p.worker >= 0 && p.worker < 3);
      assert.ok(p.path.endsWith('section.lock'), p.path);
      // The command stood still from the stop until it was continued, past --stale-ms.
      assert.ok(p.pausedMs !== null && p.pausedMs >= 500, JSON.stringify(p));
      // flock is gated: its process stood at the call's exit until the stop, so nothing slipped
      // past it, unless the worker took longer than the gate to react (then the lag says so).
      if (p.gated) assert.equal(p.slipped, 0, JSON.stringify(p));
      else assert.ok(p.stopLagMs > PAUSE_GATE_US / 1000, JSON.stringify(p));
    }
  });

  test('a lock file broken by its age (lock-noclobber-stale.sh) fails mutual exclusion when its holder is paused past the stale age', async (t) => {
    if (needStrace(t) === null) return;
    const result = await pausedRun(`bash '${join(EXAMPLES, 'lock-noclobber-stale.sh')}' {lock} {staleMs} {critical}`, 1000);
    const me = check(result, 'mutual-exclusion');
    assert.equal(me?.verdict, 'fail', me?.message);
    const silent = check(result, 'paused-holder-silent');
    assert.equal(silent?.verdict, 'fail', silent?.message);
    assert.equal(result.verdict, 'fail');
    const f = result.faults!;
    assert.equal(f.pauses, 3);
    for (const p of f.pauseList ?? []) {
      assert.equal(p.idiom, 'excl');
      assert.equal(p.syscall, 'openat');
      assert.equal(p.late, false);
    }
  });

  test("the same lock-file script, not paused, passes: the failure above is the pause's doing", async (t) => {
    if (needStrace(t) === null) return;
    const outDir = join(dir.path, `run-${runs++}`);
    const exec = `bash '${join(EXAMPLES, 'lock-noclobber-stale.sh')}' {lock} {staleMs} {critical}`;
    const { result } = await runScenario({
      scenario: 'lock',
      iterations: 3,
      workers: 3,
      isolation: 'process',
      seed: 7,
      outDir,
      maxCollisionRate: 0,
      sut: 'core',
      exec,
      keep: [],
      trace: true,
      staleMs: 5000,
    });
    assert.equal(check(result, 'mutual-exclusion')?.verdict, 'pass', check(result, 'mutual-exclusion')?.message);
    assert.equal(result.verdict, 'pass', JSON.stringify(result.violations));
  });

  test('a command that takes no lock strace can see: every drawn pause is counted as not placed, and nothing is judged', async (t) => {
    if (needStrace(t) === null) return;
    const result = await pausedRun(`bash -c '"\${@:2}"' unlocked {lock} {critical}`, 500);
    const f = result.faults!;
    assert.equal(f.pauses, 0);
    assert.equal(f.pausesMissed, 3);
    assert.deepEqual(f.pauseList, []);
    assert.equal(check(result, 'paused-holder-silent')?.verdict, 'unknown');
    assert.notEqual(result.verdict, 'pass');
  });
});
