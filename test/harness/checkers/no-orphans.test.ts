import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noOrphans } from '../../../harness/checkers/no-orphans.ts';
import { inputOf, snapshotOf } from './history-builder.ts';

const check = noOrphans();
const withEntries = (entries: string[], rest = {}) => inputOf([], { snapshots: [snapshotOf(0, { entries })], ...rest });

describe('noOrphans', () => {
  test('ordinary files and directories pass', () => {
    const result = check(withEntries(['001_w0/', '002_w1/', 'counters.json', 'REGISTRY.md', 'notes/tmp/', 'lockfile.md']));
    assert.equal(result.checker, 'no-orphans');
    assert.equal(result.verdict, 'pass');
    assert.match(result.message, /clean run/);
  });

  for (const entry of [
    'state.md.tmp.123.4.abc',
    'state.md.tmp',
    '.topic_number.lock',
    'sub/counters.json.lock',
    'a.lock.breaking',
    'a.lock.broken.x1y2',
    'mkdir.lock/',
    'a.lock.rec.0123456789abcdef01234567-42-0-x-x',
    'a.lock.aside.0123456789abcdef01234567-42-0-x-x',
    'a.lock.breaking.rec.0123456789abcdef01234567-42-0-x-x',
  ]) {
    test(`a leftover ${entry} fails and is named`, () => {
      const result = check(withEntries(['counters.json', entry]));
      assert.equal(result.verdict, 'fail');
      assert.deepEqual(result.examples, [{ iteration: 0, root: '/tmp/root-0', entry }]);
    });
  }

  test('the message names what was left, and the --keep that would keep a file left on purpose', () => {
    const result = check(withEntries(['counters.json', 'counters.json.lock']));
    assert.equal(
      result.message,
      "1 temp or lock artefact left after a clean run in 1 iteration (counters.json.lock); one your command leaves on purpose (a flock(1) lock file) is no orphan once --keep names it: --keep 'counters.json.lock'",
    );
  });

  test('artefacts a keep glob names are not orphans', () => {
    assert.equal(check(withEntries(['script.lock', 'run/flock.lock'], { keep: ['script.lock', 'run/*.lock'] })).verdict, 'pass');
    assert.equal(check(withEntries(['deep/er/x.lock'], { keep: ['**/x.lock'] })).verdict, 'pass');
    assert.equal(check(withEntries(['other.lock'], { keep: ['script.lock'] })).verdict, 'fail');
  });

  test('a faulted run is judged after recovery, and says so', () => {
    const result = check(withEntries(['a.tmp'], { faulted: true }));
    assert.equal(result.verdict, 'fail');
    assert.match(result.message, /after recovery/);
  });

  test('patterns can be replaced', () => {
    assert.equal(noOrphans({ patterns: ['*.part'] })(withEntries(['a.lock', 'b.part'])).verdict, 'fail');
    assert.equal(noOrphans({ patterns: ['*.part'] })(withEntries(['a.lock'])).verdict, 'pass');
  });

  test('no snapshots is unknown', () => {
    assert.equal(check(inputOf([])).verdict, 'unknown');
  });
});
