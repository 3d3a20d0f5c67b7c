// What the verbs that replace a file (write-atomic, reserve, find-next --claim) do with it, run as
// real child processes of the runtime under test: the replaced file keeps its mode, and its owner
// when racetrack runs as root; a name too long to have a temp beside it is refused up front.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { after, describe, test } from 'node:test';
import { NAME_MAX_BYTES } from '../../core/name-limits.ts';
import { TEMP_NAME_MAX_SUFFIX_BYTES } from '../../core/write/temp-name.ts';
import { registryText, uniformBatches } from '../fixtures/registry-text.ts';
import { racetrack } from '../support/cli.ts';
import { tempDir } from '../support/tmp.ts';

const dir = tempDir('racetrack-cli-writes-');
after(() => dir.cleanup());

/** nobody:nogroup on Debian. */
const NOBODY = 65534;
const NOGROUP = 65534;
const asRoot = process.getuid?.() === 0;
const needsRoot = asRoot ? false : 'giving a file to nobody:nogroup needs root (CI runs as root)';

/** One verb that replaces a file, with the file as it starts out and how to run the verb on it. */
interface Writer {
  readonly verb: string;
  readonly name: string;
  readonly content: string;
  run(file: string): ReturnType<typeof racetrack>;
}

const WRITERS: readonly Writer[] = [
  { verb: 'write-atomic', name: 'secret.env', content: 'TOKEN=1\n', run: (file) => racetrack(['write-atomic', file], { input: 'TOKEN=2\n' }) },
  { verb: 'reserve', name: 'counters.json', content: '{"counters":{"SEC":3}}\n', run: (file) => racetrack(['reserve', '--counters', file, 'SEC']) },
  {
    verb: 'find-next --claim',
    name: 'REGISTRY.md',
    content: registryText(uniformBatches(2, 2, 'O')),
    run: (file) => racetrack(['find-next', '--registry', file, '--mode', 'batch', '--phase', 'implement', '--claim', '--owner', 'agent-7']),
  },
];

let round = 0;

/** A fresh directory holding `w`'s file, mode 0600 (and, when `owner`, owned by nobody:nogroup). */
function prepare(w: Writer, owner: boolean): string {
  const sub = join(dir.path, `r${round++}`);
  mkdirSync(sub);
  const file = join(sub, w.name);
  writeFileSync(file, w.content);
  chmodSync(file, 0o600);
  if (owner) chownSync(file, NOBODY, NOGROUP);
  return file;
}

describe('verbs that replace a file', () => {
  for (const w of WRITERS) {
    test(`${w.verb} keeps the replaced file's mode (0600)`, () => {
      const file = prepare(w, false);
      const r = w.run(file);
      assert.equal(r.code, 0, r.stdout);
      assert.notEqual(readFileSync(file, 'utf8'), w.content, 'the file was replaced');
      assert.equal(lstatSync(file).mode & 0o7777, 0o600);
    });

    test(`${w.verb} keeps the replaced file's owner and group when run as root (nobody:nogroup)`, { skip: needsRoot }, () => {
      const file = prepare(w, true);
      const r = w.run(file);
      assert.equal(r.code, 0, r.stdout);
      const stat = lstatSync(file);
      assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o7777], [NOBODY, NOGROUP, 0o600]);
    });
  }

  test('a new file gets the default mode (0644 less the umask)', () => {
    const file = join(dir.path, 'fresh.txt');
    const r = racetrack(['write-atomic', file], { input: 'x\n' });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(lstatSync(file).mode & 0o7777, 0o644 & ~process.umask());
  });

  test('a name too long to have a temp beside it is EINVALID (exit 2) before anything is touched', () => {
    const longest = NAME_MAX_BYTES - TEMP_NAME_MAX_SUFFIX_BYTES;
    const named = (bytes: number, ext: string) => `${'n'.repeat(bytes - ext.length)}${ext}`;
    for (const w of WRITERS) {
      const sub = join(dir.path, `long${round++}`);
      mkdirSync(sub);
      const ext = w.name.slice(w.name.lastIndexOf('.'));
      // 230 bytes: a real file may have this name, but no temp fits beside it (it failed half-way, EIO ENAMETOOLONG).
      const file = join(sub, named(230, ext));
      writeFileSync(file, w.content);
      const before = readdirSync(sub);
      const r = w.run(file);
      assert.equal(r.code, 2, `${w.verb}: ${r.stdout}`);
      assert.deepEqual({ error: r.json().error, reason: r.json().reason, maxBytes: r.json().maxBytes }, { error: 'EINVALID', reason: 'name-too-long', maxBytes: longest }, w.verb);
      assert.deepEqual(readdirSync(sub), before, `${w.verb} created nothing`);
      assert.equal(readFileSync(file, 'utf8'), w.content, `${w.verb} left the file as it was`);
    }
    const fits = join(dir.path, named(longest, '.md'));
    const r = racetrack(['write-atomic', fits], { input: 'fits\n' });
    assert.equal(r.code, 0, `a ${longest}-byte name still fits: ${r.stdout}`);
    assert.equal(readFileSync(fits, 'utf8'), 'fits\n');
  });
});
