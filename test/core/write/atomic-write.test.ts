import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { test } from 'node:test';
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { defaultDeps, systemRandom } from '../../../core/deps.ts';
import { acquireLock } from '../../../core/lock/lock.ts';
import { currentIdentity } from '../../../core/runtime.ts';
import { formatTempName } from '../../../core/write/temp-name.ts';
import { replaceLockFile } from '../../support/lock-files.ts';
import { tempDir } from '../../support/tmp.ts';

function withDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try {
      await fn(dir.path);
    } finally {
      dir.cleanup();
    }
  };
}

const encoder = new TextEncoder();
/** Deps whose temp nonces are always `nonce`, so a test can know the temp's name in advance. */
const fixedNonce = (nonce: string) => defaultDeps({ random: { next: systemRandom.next, hex: () => nonce } });

test(
  'a symlink planted at the temp path is never followed, and the write fails',
  withDir((dir) => {
    const file = join(dir, 'state.json');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    writeFileSync(file, 'old');
    const data = encoder.encode('new content');
    const me = currentIdentity();
    const temp = formatTempName(file, me, 'abad1dea', data);
    symlinkSync(victim, temp);
    assert.throws(() => writeAtomic(file, data, {}, fixedNonce('abad1dea')), { code: 'EIO' });
    assert.equal(readFileSync(victim, 'utf8'), 'precious', 'the symlink target was not written');
    assert.equal(readFileSync(file, 'utf8'), 'old', 'the target was not replaced');
    assert.ok(lstatSync(temp).isSymbolicLink(), 'the planted symlink, not ours, was not removed');
  }),
);

test(
  'a writer whose lock was taken over does not write, and leaves no temp',
  withDir(async (dir) => {
    const file = join(dir, 'state.json');
    writeFileSync(file, 'old');
    const lock = await acquireLock(`${file}.lock`);
    const usurper = JSON.stringify({ pid: process.pid, threadId: 77, host: hostname(), token: 'usurper', startTime: null, acquiredAt: Date.now() });
    replaceLockFile(`${file}.lock`, usurper);
    assert.throws(() => writeAtomic(file, 'new', { lock }), { code: 'ECOMPROMISED' });
    assert.equal(readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(
      readdirSync(dir)
        .filter((n) => !n.startsWith('state.json.lock.rec.'))
        .sort(),
      ['state.json', 'state.json.lock'],
      'no temp left',
    );
    assert.equal(readFileSync(`${file}.lock`, 'utf8'), usurper, 'the new holder keeps its lock');
  }),
);

test(
  'a writer holding its lock writes',
  withDir(async (dir) => {
    const file = join(dir, 'state.json');
    const lock = await acquireLock(`${file}.lock`);
    writeAtomic(file, 'new', { lock });
    lock.release();
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  'a non-durable write still replaces the target exactly',
  withDir((dir) => {
    const file = join(dir, 'bench.bin');
    writeAtomic(file, new Uint8Array([0, 255, 7]), { durable: false });
    assert.deepEqual(new Uint8Array(readFileSync(file)), new Uint8Array([0, 255, 7]));
    assert.deepEqual(readdirSync(dir), ['bench.bin']);
  }),
);

test(
  'a missing directory is ENOTFOUND and creates nothing',
  withDir((dir) => {
    assert.throws(() => writeAtomic(join(dir, 'no', 'f'), 'x'), { code: 'ENOTFOUND' });
    assert.equal(existsSync(join(dir, 'no')), false);
  }),
);

test(
  'a replaced file keeps its permission bits exactly, whatever the umask',
  withDir((dir) => {
    for (const mode of [0o600, 0o640, 0o755, 0o444]) {
      const file = join(dir, `mode-${mode.toString(8)}`);
      writeFileSync(file, 'old');
      chmodSync(file, mode);
      writeAtomic(file, 'new');
      assert.equal(readFileSync(file, 'utf8'), 'new');
      assert.equal(lstatSync(file).mode & 0o7777, mode, mode.toString(8));
    }
  }),
);

test(
  'a symlink at the target is replaced by a new file with the default mode; what it pointed to is untouched',
  withDir((dir) => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    chmodSync(victim, 0o600);
    const file = join(dir, 'state.json');
    symlinkSync(victim, file);
    writeAtomic(file, 'new');
    const stat = lstatSync(file);
    assert.equal(stat.isSymbolicLink(), false);
    assert.equal(stat.mode & 0o7777, 0o644 & ~process.umask());
    assert.deepEqual([readFileSync(victim, 'utf8'), lstatSync(victim).mode & 0o7777], ['precious', 0o600]);
  }),
);
