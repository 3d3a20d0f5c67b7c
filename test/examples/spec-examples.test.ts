// The specs' own algorithms, and a correct and a broken lock, run through the real CLI the way a
// CI job gates a script (`racetrack run <scenario> --exec …`), each asserted to get the verdict it
// deserves. The failing ones fail on every run: the parameters were chosen so that the bug shows
// in every iteration (see scenarios/examples/README.md for the measurements).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import type { RunResult } from '../../harness/engine/run-result.ts';
import { racetrack } from '../support/cli.ts';
import { examplesDir } from '../support/examples.ts';
import { tempDir } from '../support/tmp.ts';

const has = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const EXAMPLES = examplesDir();
const script = (name: string) => `'${join(EXAMPLES, name)}'`;
const dir = tempDir('racetrack-spec-examples-');
after(() => dir.cleanup());

let runs = 0;
/** Runs `racetrack run` through the CLI; returns its exit code and result.json. */
function run(args: string[]): { code: number; result: RunResult } {
  const out = join(dir.path, `run-${runs++}`);
  const r = racetrack(['run', ...args, '--seed', '1', '--out', out]);
  assert.ok(existsSync(join(out, 'result.json')), `the run wrote its result: ${r.stdout}${r.stderr}`);
  return { code: r.code, result: JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult };
}

const verdicts = (result: RunResult) => Object.fromEntries(result.checks.map((c) => [c.checker, c.verdict]));

function need(t: TestContext, command: string): boolean {
  if (!has(command)) t.skip(`${command} is not installed (CI installs it: .ci/run)`);
  return has(command);
}

describe("the atomic-write spec's scripts", () => {
  test('write_atomic (temp .tmp.$$, rename, no fsync) passes run atomic-write: no reader sees a torn file', () => {
    const { code, result } = run(['atomic-write', '--exec', `bash ${script('write-atomic.sh')} {file} {payload}`, '--iterations', '4', '--workers', '6']);
    assert.equal(code, 0, JSON.stringify(result.violations));
    assert.deepEqual(verdicts(result), { 'reads-valid': 'pass', 'files-valid': 'pass', 'no-orphans': 'pass' });
    assert.equal(result.operations.ok, 4 * 6 * 2, 'every write and every read succeeded');
  });

  test('a bash atomic write with mktemp and sync (bytes on stdin) passes run atomic-write', () => {
    const { code, result } = run(['atomic-write', '--exec', `bash ${script('write-atomic-sync.sh')} {file}`, '--iterations', '4', '--workers', '6']);
    assert.equal(code, 0, JSON.stringify(result.violations));
    assert.deepEqual(verdicts(result), { 'reads-valid': 'pass', 'files-valid': 'pass', 'no-orphans': 'pass' });
  });

  test('update_json_atomic (jq, no lock) fails run update-json: updates are lost', (t) => {
    if (!need(t, 'jq')) return;
    const { code, result } = run(['update-json', '--exec', `bash ${script('update-json-atomic.sh')} {file} {filter}`, '--iterations', '4', '--workers', '6']);
    assert.equal(code, 1);
    assert.equal(verdicts(result)['lost-updates'], 'fail');
    assert.equal(verdicts(result)['no-unexpected-failures'], 'pass', 'every update reported success: the loss is silent');
    assert.equal(result.operations.ok, 4 * 6);
  });
});

describe("lock commands around racetrack's critical-section probe", () => {
  test('flock(1) passes run lock: no two holds overlap, no update is lost', (t) => {
    if (!need(t, 'flock')) return;
    const { code, result } = run(['lock', '--exec', 'flock {lock} {critical}', '--keep', 'section.lock', '--iterations', '3', '--workers', '4']);
    assert.equal(code, 0, JSON.stringify(result.violations));
    assert.deepEqual(verdicts(result), { 'mutual-exclusion': 'pass', 'lost-updates': 'pass', 'files-valid': 'pass', 'no-orphans': 'pass' });
    assert.equal(result.lockHold?.count, 3 * 4, 'each probe run is a hold, measured');
  });

  test('a flock taken in a subshell (released before the command runs) fails run lock', (t) => {
    if (!need(t, 'flock')) return;
    const { code, result } = run(['lock', '--exec', `bash ${script('lock-subshell-broken.sh')} {lock} {critical}`, '--keep', 'section.lock', '--iterations', '3', '--workers', '4']);
    assert.equal(code, 1);
    assert.equal(verdicts(result)['mutual-exclusion'], 'fail');
    assert.equal(verdicts(result)['lost-updates'], 'fail');
  });
});

describe("the ID-reservation spec's Node reserver", () => {
  const reserver = `node ${script('reserve-task-ids.cjs')} {counters} {prefix} {count}`;

  test('passes run reserve while every holder lives', () => {
    const { code, result } = run(['reserve', '--exec', reserver, '--iterations', '3', '--workers', '4']);
    assert.equal(code, 0, JSON.stringify(result.violations));
    assert.equal(result.collisions, 0);
  });

  test('fails when a holder dies holding its lock after the callers began to wait: they time out at 5 s, the stale age, and the lock stays', () => {
    // The state a holder killed mid-hold leaves, 3-4 s after the callers started: its lock file,
    // stamped then. The callers' 5 s timeout ends before the lock is 5 s old.
    const setup = `sh -c 'printf "{\\"pid\\":2147483646,\\"lockedAt\\":\\"dead\\"}" > "$0.lock" && touch -d "@$(( $(date +%s) + 4 ))" "$0.lock"' {counters}`;
    const { code, result } = run(['reserve', '--exec', reserver, '--setup', setup, '--iterations', '1', '--workers', '3']);
    assert.equal(code, 1);
    assert.equal(verdicts(result)['no-unexpected-failures'], 'fail', 'the callers failed');
    assert.equal(verdicts(result)['no-orphans'], 'fail', "the dead holder's lock is still there");
    assert.equal(result.operations.fail, 3);
  });
});
