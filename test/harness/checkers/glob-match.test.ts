import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { globMatch } from '../../../harness/checkers/glob-match.ts';

describe('globMatch', () => {
  const cases: [string, string, boolean][] = [
    ['*.lock', 'a.lock', true],
    ['*.lock', 'dir/a.lock', true],
    ['*.lock', '.hidden.lock', true],
    ['*.lock', 'a.locks', false],
    ['*.tmp.*', 'state.md.tmp.1.2.x', true],
    ['?.lock', 'a.lock', true],
    ['?.lock', 'ab.lock', false],
    ['dir/*.lock', 'dir/a.lock', true],
    ['dir/*.lock', 'dir/sub/a.lock', false],
    ['dir/*.lock', 'other/dir/a.lock', false],
    ['dir/**', 'dir/sub/a.lock', true],
    ['**/a.lock', 'a.lock', true],
    ['**/a.lock', 'x/y/a.lock', true],
    ['/a.lock', 'a.lock', true],
    ['/a.lock', 'x/a.lock', false],
    ['lockdir', 'lockdir/', true],
    ['a+b(c).lock', 'a+b(c).lock', true],
    ['a.lock', 'aXlock', false],
  ];
  for (const [glob, path, expected] of cases) {
    test(`${glob} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(globMatch(glob, path), expected);
    });
  }
});
