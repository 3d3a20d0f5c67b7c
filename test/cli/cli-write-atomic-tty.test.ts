// write-atomic with stdin a terminal, run as a real child process of the runtime under test on a
// pseudo-terminal that script(1) gives it: it refuses to wait on it unless --stdin is given.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scriptCommand } from '../../core/runtime.ts';
import { cliPath } from '../support/cli.ts';
import { inTempDirSync } from '../support/tmp.ts';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs racetrack with `args` on a terminal that is typed `typed` (what script reads from its stdin). */
function onTerminal(args: readonly string[], typed: string): { status: number | null; stdout: string } {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [...scriptCommand(cliPath), ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { input: typed, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout };
}

/** The JSON line among what the terminal showed (it echoes what was typed too). */
const jsonLine = (stdout: string) => JSON.parse(stdout.split(/\r?\n/).find((l) => l.startsWith('{'))!) as Record<string, unknown>;

describe('racetrack write-atomic on a terminal', { skip: !hasScript && 'script(1) is not installed' }, () => {
  test(
    'with stdin a terminal it is EINVALID at once, with a hint, and FILE stays as it was',
    inTempDirSync((dir) => {
      const file = join(dir, 'STATE.md');
      writeFileSync(file, 'state: 1\n');
      const r = onTerminal(['write-atomic', file], '');
      assert.equal(r.status, 2, r.stdout);
      const error = jsonLine(r.stdout);
      assert.deepEqual([error.error, error.reason], ['EINVALID', 'stdin-is-a-terminal']);
      assert.match(String(error.message), /pipe the content in .* or give --stdin/);
      assert.equal(readFileSync(file, 'utf8'), 'state: 1\n');
      assert.deepEqual(readdirSync(dir), ['STATE.md']);
    }),
  );

  test(
    'with --stdin it reads what is typed up to Ctrl-D',
    inTempDirSync((dir) => {
      const file = join(dir, 'STATE.md');
      writeFileSync(file, 'state: 1\n');
      const r = onTerminal(['write-atomic', '--stdin', file], 'state: 2\n\u0004');
      assert.equal(r.status, 0, r.stdout);
      assert.deepEqual(jsonLine(r.stdout), { file, bytes: 9, durable: true });
      assert.equal(readFileSync(file, 'utf8'), 'state: 2\n');
    }),
  );
});
