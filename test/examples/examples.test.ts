// The example scripts in scenarios/examples/, run through the harness the way a user gates their
// own script with `racetrack run <scenario> --exec …`: the correct ones pass, the known-broken ones
// (seed 003's lock released before `mkdir -p`, seed 002's unlocked read-add-write) fail on
// uniqueness. Every operation spawns a process, so the numbers here are small; the broken ones
// were measured to collide in nearly every iteration, so 20 iterations leave no room for a miss.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import type { RunResult } from '../../harness/engine/run-result.ts';
import { runScenario } from '../../harness/engine/run.ts';
import { examplesDir } from '../support/examples.ts';
import { tempDir } from '../support/tmp.ts';

function output(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

const EXAMPLES = examplesDir();
const hasBashFlock = output('bash', ['-c', 'command -v flock']) !== null;
// The interpreter behind `python3`, called directly with -S: the scripts use only the standard
// library, and skipping a version manager's shim and site-packages' .pth hooks makes each of the
// few hundred spawns several times cheaper without changing what the scripts do.
const python = output('python3', ['-c', 'import sys; print(sys.executable)']);

/** Quotes a word for the --exec template (its parser splits like a shell but expands nothing). */
const q = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
const script = (name: string) => q(join(EXAMPLES, name));

const dir = tempDir('racetrack-examples-');
after(() => dir.cleanup());

let runs = 0;
async function run(scenario: 'allocate' | 'reserve', exec: string, iterations: number, workers: number, keep: string[]): Promise<RunResult> {
  const outDir = join(dir.path, `${scenario}-${runs++}`);
  const { result } = await runScenario({ scenario, iterations, workers, isolation: 'thread', seed: 7, outDir, maxCollisionRate: 0, sut: 'core', exec, keep });
  return result;
}

const verdictOf = (result: RunResult, checker: string) => {
  const check = result.checks.find((c) => c.checker === checker);
  assert.ok(check !== undefined, `the run has a ${checker} check`);
  return check.verdict;
};
const failing = (result: RunResult) => result.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.checker}: ${c.message}`);

function assertPasses(result: RunResult, iterations: number, workers: number): void {
  assert.deepEqual(failing(result), [], JSON.stringify(result.violations));
  assert.equal(result.verdict, 'pass');
  // A script's locks are out of racetrack's sight: mutual exclusion is listed as not checked, never passed.
  assert.deepEqual(
    result.notChecked.map((n) => n.checker),
    ['mutual-exclusion', 'lock-timing'],
  );
  assert.equal(result.collisions, 0);
  assert.equal(result.operations.ok, iterations * workers, 'every operation succeeded');
}

/** Fails on uniqueness, and not because the script crashed: every operation "succeeded". */
function assertCaught(result: RunResult, iterations: number, workers: number): void {
  assert.equal(result.verdict, 'fail');
  assert.equal(verdictOf(result, 'uniqueness'), 'fail', JSON.stringify(failing(result)));
  assert.ok(result.collisions > 0);
  assert.equal(verdictOf(result, 'no-unexpected-failures'), 'pass');
  assert.equal(result.operations.ok, iterations * workers, 'the race is silent: every operation reported success');
}

function needBashFlock(t: TestContext): boolean {
  if (!hasBashFlock) t.skip('bash or flock(1) is not installed');
  return hasBashFlock;
}
function needPython(t: TestContext): boolean {
  if (python === null) t.skip('python3 is not installed');
  return python !== null;
}

describe('example scripts under --exec', () => {
  test('alloc-flock.sh (mkdir inside the flock) passes every checker', async (t) => {
    if (!needBashFlock(t)) return;
    const result = await run('allocate', `bash ${script('alloc-flock.sh')} {root} {name}`, 10, 8, ['.topic.lock']);
    assertPasses(result, 10, 8);
  });

  test('alloc-flock.sh leaves its lock file, an orphan unless the run keeps it', async (t) => {
    if (!needBashFlock(t)) return;
    const result = await run('allocate', `bash ${script('alloc-flock.sh')} {root} {name}`, 2, 2, []);
    assert.deepEqual(
      result.checks.filter((c) => c.verdict !== 'pass').map((c) => c.checker),
      ['no-orphans'],
    );
  });

  test('alloc-flock-broken.sh (flock released before mkdir -p) fails on uniqueness', async (t) => {
    if (!needBashFlock(t)) return;
    const result = await run('allocate', `bash ${script('alloc-flock-broken.sh')} {root} {name}`, 20, 8, ['.topic.lock']);
    assertCaught(result, 20, 8);
  });

  test('reserve.py (read-add-write under flock) passes every checker', async (t) => {
    if (!needPython(t)) return;
    const result = await run('reserve', `${q(python!)} -S ${script('reserve.py')} {counters} {prefix} {count}`, 10, 8, ['counters.json.lock']);
    assertPasses(result, 10, 8);
  });

  test('reserve-broken.py (read-add-write without a lock) fails on uniqueness', async (t) => {
    if (!needPython(t)) return;
    const result = await run('reserve', `${q(python!)} -S ${script('reserve-broken.py')} {counters} {prefix} {count}`, 20, 8, ['counters.json.lock']);
    assertCaught(result, 20, 8);
  });
});
