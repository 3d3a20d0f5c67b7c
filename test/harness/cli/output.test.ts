import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { RacetrackError } from '../../../core/errors.ts';
import { errorResult } from '../../../harness/cli/output.ts';
import { tempDir } from '../../support/tmp.ts';

/** The error a real fs call throws for `fn`. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('it did not throw');
}

describe('errorResult', () => {
  test('a RacetrackError keeps its code and facts', () => {
    assert.deepEqual(errorResult(new RacetrackError('ELOCKED', 'held', { pid: 7 })), { exitCode: 2, output: { error: 'ELOCKED', message: 'held', pid: 7 } });
  });

  test('a system error no verb wrapped gets the code a wrapped one would, with its errno and path: never EINTERNAL', () => {
    const dir = tempDir();
    try {
      const isDir = errorResult(thrownBy(() => writeFileSync(dir.path, 'x')));
      assert.equal(isDir.exitCode, 2);
      assert.deepEqual({ ...(isDir.output as object), message: undefined }, { error: 'EIO', message: undefined, path: dir.path, errno: 'EISDIR' });
      const missing = errorResult(thrownBy(() => readFileSync(`${dir.path}/nope`))).output as Record<string, unknown>;
      assert.equal(missing.error, 'ENOTFOUND');
      assert.equal(missing.errno, 'ENOENT');
    } finally {
      dir.cleanup();
    }
  });

  test('anything else is EINTERNAL, and says it is a bug to report', () => {
    const r = errorResult(new TypeError('x is undefined'));
    assert.deepEqual(r, {
      exitCode: 2,
      output: { error: 'EINTERNAL', message: 'x is undefined', meaning: 'an unexpected failure inside racetrack, a bug: please report it with the command that caused it' },
    });
  });
});
