// --quiet, run as real child processes of the runtime under test: nothing on stderr, the result on
// stdout as without it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { racetrack } from '../support/cli.ts';
import { tempDir } from '../support/tmp.ts';

const dir = tempDir('racetrack-cli-quiet-');
after(() => dir.cleanup());

describe('racetrack --quiet', () => {
  test('run prints its progress and summary on stderr, and with --quiet only its JSON result on stdout', () => {
    const args = ['run', 'allocate', '--iterations', '2', '--workers', '2', '--seed', '3'];
    const loud = racetrack([...args, '--out', join(dir.path, 'loud')]);
    assert.equal(loud.code, 0, loud.stdout + loud.stderr);
    assert.match(loud.stderr, /^racetrack: PASS allocate/m);
    const quiet = racetrack([...args, '--out', join(dir.path, 'quiet'), '--quiet']);
    assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
    assert.equal(quiet.stderr, '');
    assert.deepEqual({ ...quiet.json(), wallMs: 0, outDir: '' }, { ...loud.json(), wallMs: 0, outDir: '' });
  });

  test('fuzz with --quiet prints only its JSON result', () => {
    const r = racetrack(['fuzz', 'write', '--runs', '2', '--seed', '1', '--disk', 'sim', '--quiet']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.json().verdict, 'pass');
  });

  test('an error under --quiet is still one JSON line on stdout, exit 2', () => {
    const r = racetrack(['run', 'nope', '--quiet']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, '');
    assert.equal(r.json().error, 'EINVALID');
  });
});
