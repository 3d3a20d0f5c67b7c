// Syscall faults strace injects into --exec commands: planned per operation, each counted with
// where it landed (or that it did not), on real scripts under real strace.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runScenario } from '../../../harness/engine/run.ts';
import { checkFaultOptions, errorTargets, planFaults } from '../../../harness/strace/faults.ts';
import { parseTrace } from '../../../harness/strace/parse.ts';
import { seededRandom } from '../../../harness/stats/prng.ts';
import { isRacetrackError } from '../../../core/errors.ts';
import { tempDir } from '../../support/tmp.ts';
import { lockIdiomsDir, needStrace, python } from './strace-fixtures.ts';

const EXAMPLES = join(lockIdiomsDir(), '../../../scenarios/examples');
const dir = tempDir('racetrack-syscall-faults-');
after(() => dir.cleanup());
let runs = 0;

describe('syscall fault plans', () => {
  test('no rate, no jitter: no fault; rate 1: one error per operation, on a write, sync or rename', () => {
    const random = seededRandom(1);
    assert.deepEqual(planFaults({}, random), []);
    assert.deepEqual(planFaults({ errors: ['EIO'], errorRate: 0 }, random), []);
    for (let i = 0; i < 20; i++) {
      const plan = planFaults({ errors: ['EIO', 'ENOSPC'], errorRate: 1 }, random);
      assert.equal(plan.length, 1);
      assert.equal(plan[0]!.kind, 'error');
      assert.ok(['EIO', 'ENOSPC'].includes(plan[0]!.rule.error!));
      assert.match(plan[0]!.rule.syscalls[0]!, /^(p?write(64|v)?|fsync|fdatasync|rename(at2?)?)$/);
    }
    const jitter = planFaults({ jitterUs: 500 }, random);
    assert.ok(jitter.length > 0 && jitter.every((p) => p.kind === 'jitter' && p.rule.delayEnterUs! >= 1 && p.rule.delayEnterUs! <= 500));
  });

  test('errors aim at the write, sync and rename calls an earlier operation made, at a call it reached', () => {
    const trace = parseTrace(
      [
        '7 1.000000 write(3</r/a.tmp>, "x", 1) = 1 <0.000001>',
        '7 1.000100 write(3</r/a.tmp>, "y", 1) = 1 <0.000001>',
        '8 1.000200 write(1<pipe:[1]>, "z", 1) = 1 <0.000001>',
        '7 1.000300 rename("/r/a.tmp", "/r/a") = 0 <0.000001>',
        '7 1.000400 openat(AT_FDCWD</r>, "b", O_RDONLY) = 3</r/b> <0.000001>',
      ].join('\n'),
    );
    const seen = errorTargets(trace);
    assert.deepEqual([...seen].sort(), [
      ['rename', 1],
      ['write', 2],
    ]);
    const random = seededRandom(3);
    for (let i = 0; i < 30; i++) {
      const [p] = planFaults({ errors: ['EIO'], errorRate: 1 }, random, seen);
      const syscall = p!.rule.syscalls[0]!;
      assert.ok(seen.has(syscall), syscall);
      assert.ok(Number(p!.rule.when) >= 1 && Number(p!.rule.when) <= seen.get(syscall)!, p!.rule.when);
    }
  });

  test('bad fault options are EINVALID', () => {
    const bad = (o: Parameters<typeof checkFaultOptions>[0], re: RegExp) =>
      assert.throws(
        () => checkFaultOptions(o),
        (e: unknown) => isRacetrackError(e, 'EINVALID') && re.test(e.message),
      );
    bad({ errors: ['ENOPE'], errorRate: 0.5 }, /unknown errno ENOPE/);
    bad({ errorRate: 0.5 }, /needs --errors/);
    bad({ errors: ['EIO'], errorRate: 2 }, /from 0 to 1/);
    bad({ jitterUs: -1 }, /--jitter/);
  });
});

describe('run --exec with syscall faults', () => {
  test('--errors ENOSPC,EIO at rate 1 on reserve.py: every planned error counted, landed or not; state stays valid', async (t) => {
    if (needStrace(t) === null) return;
    if (python === null) return t.skip('python3 is not installed');
    const exec = `'${python}' -S '${join(EXAMPLES, 'reserve.py')}' {counters} {prefix} {count}`;
    const { result } = await runScenario({
      scenario: 'reserve',
      iterations: 6,
      workers: 3,
      isolation: 'thread',
      seed: 5,
      outDir: join(dir.path, `run-${runs++}`),
      maxCollisionRate: 0,
      sut: 'core',
      exec,
      syscallFaults: { errors: ['ENOSPC', 'EIO'], errorRate: 1 },
      keep: ['counters.json.lock'],
    });
    const s = result.faults?.syscall;
    assert.ok(s !== undefined, 'result.json counts the syscall faults');
    assert.equal(s.error.planned, 6 * 3, 'one planned error per operation');
    assert.equal(s.error.landed + s.error.notLanded, s.error.planned);
    assert.ok(s.error.landed > 0, 'some errors landed');
    for (const f of s.errorsLanded) assert.ok(f.at !== null && f.landed > 0);
    const verdict = (c: string) => result.checks.find((x) => x.checker === c)?.verdict;
    assert.equal(verdict('files-valid'), 'pass', 'a failed write or rename leaves a valid counters file');
    assert.equal(verdict('uniqueness'), 'pass');
    assert.equal(verdict('no-unexpected-failures'), 'pass', 'failing after an injected error is expected');
    assert.equal(verdict('mutual-exclusion'), 'pass');
  });

  test('--jitter delays fs calls of alloc-flock-broken.sh, which still collides', async (t) => {
    if (needStrace(t) === null) return;
    const { result } = await runScenario({
      scenario: 'allocate',
      iterations: 6,
      workers: 4,
      isolation: 'thread',
      seed: 5,
      outDir: join(dir.path, `run-${runs++}`),
      maxCollisionRate: 0,
      sut: 'core',
      exec: `bash '${join(EXAMPLES, 'alloc-flock-broken.sh')}' {root} {name}`,
      syscallFaults: { jitterUs: 2000 },
      keep: ['.topic.lock'],
    });
    const s = result.faults?.syscall;
    assert.ok(s !== undefined);
    assert.ok(s.jitter.planned > 0 && s.jitter.calls > 0, JSON.stringify(s.jitter));
    assert.equal(result.checks.find((c) => c.checker === 'uniqueness')?.verdict, 'fail');
  });
});
