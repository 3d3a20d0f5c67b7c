// `racetrack run … --exec … --trace`: the user's own lock, seen in its syscalls, is judged by
// mutual-exclusion and measured (hold and wait times), on real scripts under real strace.
import assert from 'node:assert/strict';
import process from 'node:process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunResult } from '../../../harness/engine/run-result.ts';
import { runScenario } from '../../../harness/engine/run.ts';
import { racetrack } from '../../support/cli.ts';
import { tempDir } from '../../support/tmp.ts';
import { lockIdiomsDir, needStrace } from './strace-fixtures.ts';

const FIXTURES = lockIdiomsDir();
const EXAMPLES = join(FIXTURES, '../../../scenarios/examples');
const dir = tempDir('racetrack-run-trace-');
after(() => dir.cleanup());
let runs = 0;

async function run(exec: string, iterations: number, workers: number, isolation: 'thread' | 'process', keep: string[]): Promise<RunResult> {
  const outDir = join(dir.path, `run-${runs++}`);
  const { result } = await runScenario({ scenario: 'allocate', iterations, workers, isolation, seed: 11, outDir, maxCollisionRate: 0, sut: 'core', exec, trace: true, keep });
  return result;
}

const check = (result: RunResult, checker: string) => result.checks.find((c) => c.checker === checker);

describe('run --exec --trace', () => {
  for (const isolation of ['thread', 'process'] as const) {
    test(`alloc-flock.sh (${isolation} isolation): its flock is judged exclusive, with a hold and a wait per operation`, async (t) => {
      if (needStrace(t) === null) return;
      const result = await run(`bash '${join(EXAMPLES, 'alloc-flock.sh')}' {root} {name}`, 6, 4, isolation, ['.topic.lock']);
      assert.equal(result.trace, true);
      assert.deepEqual(result.notChecked, [], 'mutual exclusion and lock timing are no longer left out');
      const me = check(result, 'mutual-exclusion');
      assert.equal(me?.verdict, 'pass', me?.message);
      assert.equal(result.verdict, 'pass', JSON.stringify(result.violations));
      assert.equal(result.lockHold?.count, 6 * 4, 'one flock hold per operation');
      assert.equal(result.lockWait?.count, 6 * 4);
    });
  }

  for (const [script, idiom] of [
    ['alloc-mkdir.sh', 'mkdir'],
    ['alloc-noclobber.sh', 'O_EXCL'],
  ] as const) {
    test(`${script}: a correct ${idiom} lock file passes mutual exclusion, one hold per operation`, async (t) => {
      if (needStrace(t) === null) return;
      const result = await run(`bash '${join(FIXTURES, script)}' {root} {name}`, 4, 3, 'thread', []);
      assert.equal(check(result, 'mutual-exclusion')?.verdict, 'pass', check(result, 'mutual-exclusion')?.message);
      assert.equal(result.verdict, 'pass', JSON.stringify(result.violations));
      assert.equal(result.lockHold?.count, 4 * 3);
    });
  }

  test('a mkdir lock its waiters steal fails mutual exclusion', async (t) => {
    if (needStrace(t) === null) return;
    const result = await run(`bash '${join(FIXTURES, 'alloc-mkdir-steal.sh')}' {root} {name}`, 10, 4, 'thread', []);
    const me = check(result, 'mutual-exclusion');
    assert.equal(me?.verdict, 'fail', me?.message);
    assert.equal(result.verdict, 'fail');
  });

  test('the engine refuses tracing without a command rather than trace nothing', async () => {
    await assert.rejects(
      runScenario({ scenario: 'allocate', iterations: 1, workers: 1, isolation: 'thread', seed: 1, outDir: join(dir.path, 'no-exec'), maxCollisionRate: 0, sut: 'core', trace: true, keep: [] }),
      (e: unknown) => (e as { code?: string }).code === 'EINVALID',
    );
    assert.equal(existsSync(join(dir.path, 'no-exec')), false);
  });

  test('--trace without --exec is bad input: exit 2, JSON error, nothing created', () => {
    const out = join(dir.path, 'refused');
    const r = racetrack(['run', 'allocate', '--trace', '--out', out, '--iterations', '1']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.json().error, 'EINVALID');
    assert.match(String(r.json().message), /--trace needs --exec/);
    assert.equal(existsSync(out), false);
    assert.ok(readdirSync(dir.path).every((e) => e !== 'refused'));
  });

  test('--trace with strace missing from PATH: exit 2 with the install hint, nothing created', { skip: process.platform !== 'linux' }, () => {
    const out = join(dir.path, 'no-strace');
    const r = racetrack(['run', 'allocate', '--exec', `bash '${join(EXAMPLES, 'alloc-flock.sh')}' {root} {name}`, '--trace', '--out', out], { env: { PATH: '/nonexistent' } });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.json().error, 'EINVALID');
    assert.match(String(r.json().message), /apt-get install strace/);
    assert.equal(existsSync(out), false);
  });
});
