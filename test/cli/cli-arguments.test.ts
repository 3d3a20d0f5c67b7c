// What the CLI makes of its arguments before any verb runs, on the runtime under test (Node on
// the built output, Deno on the sources): no verb at all, a repeated option, invalid UTF-8.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { racetrack } from '../support/cli.ts';
import { tempDir } from '../support/tmp.ts';

const dir = tempDir('racetrack-cli-args-');
after(() => dir.cleanup());

describe('racetrack arguments', () => {
  test('no arguments prints the help on stderr and a JSON error on stdout, exit 2', () => {
    const r = racetrack([]);
    assert.equal(r.code, 2);
    assert.deepEqual(r.json(), { error: 'EINVALID', message: 'no command given; run racetrack --help' });
    assert.match(r.stderr, /^Usage: racetrack \[options\] \[command\]/);
    assert.match(r.stderr, /Exit codes:/);
    assert.match(r.stderr, /EINTERNAL is an unexpected failure inside racetrack, a bug: please report it/);
  });

  test('asking for the help is still exit 0, on stdout', () => {
    for (const argv of [['--help'], ['help']]) {
      const r = racetrack(argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.match(r.stdout, /^Usage: racetrack/);
    }
  });
});
