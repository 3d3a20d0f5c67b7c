import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { test } from 'node:test';
import { lockFileFor } from '../../../core/lock/lock-path.ts';
import { updateJson } from '../../../core/write/update-json.ts';
import { replaceLockFile } from '../../support/lock-files.ts';
import { inTempDir } from '../../support/tmp.ts';

const bump = (current: unknown) => ({ n: (current as { n: number }).n + 1 });

test(
  'malformed JSON is ECORRUPT naming the file, which stays byte for byte as it was',
  inTempDir(async (dir) => {
    const file = join(dir, 'history.json');
    const before = Buffer.from('{"entries": [{"agent_id": "abc"}, \n');
    writeFileSync(file, before);
    await assert.rejects(updateJson(file, bump), (err: { code: string; details: { path: string } }) => {
      assert.equal(err.code, 'ECORRUPT');
      assert.equal(err.details.path, file);
      return true;
    });
    assert.deepEqual(readFileSync(file), before);
    assert.deepEqual(readdirSync(dir), ['history.json'], 'the lock was released');
  }),
);

test(
  'invalid UTF-8 and an empty file are ECORRUPT too',
  inTempDir(async (dir) => {
    const file = join(dir, 'state.json');
    for (const before of [Buffer.from([0x22, 0xff, 0xfe, 0x22]), Buffer.alloc(0)]) {
      writeFileSync(file, before);
      await assert.rejects(updateJson(file, bump), { code: 'ECORRUPT' });
      assert.deepEqual(readFileSync(file), before);
    }
  }),
);

test(
  'a missing file without an initial value is ENOTFOUND and nothing is created',
  inTempDir(async (dir) => {
    await assert.rejects(updateJson(join(dir, 'state.json'), bump), { code: 'ENOTFOUND' });
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a missing file with an initial value is created from it, and the initial value is not mutated',
  inTempDir(async (dir) => {
    const file = join(dir, 'state.json');
    const initial = { n: 0, entries: [] as string[] };
    const written = await updateJson(
      file,
      (current) => {
        const value = current as typeof initial;
        value.entries.push('first');
        return { ...value, n: value.n + 1 };
      },
      { initial },
    );
    assert.deepEqual(written, { n: 1, entries: ['first'] });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { n: 1, entries: ['first'] });
    assert.deepEqual(initial, { n: 0, entries: [] });
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  'a missing directory is ENOTFOUND',
  inTempDir(async (dir) => {
    await assert.rejects(updateJson(join(dir, 'no', 'state.json'), bump, { initial: { n: 0 } }), { code: 'ENOTFOUND' });
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'a value JSON cannot hold is EINVALID and the file is unchanged',
  inTempDir(async (dir) => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"n":1}');
    await assert.rejects(
      updateJson(file, () => undefined),
      { code: 'EINVALID' },
    );
    await assert.rejects(
      updateJson(file, () => ({ n: 10n })),
      { code: 'EINVALID' },
    );
    await assert.rejects(updateJson(file, bump, { indent: -1 }), { code: 'EINVALID' });
    assert.equal(readFileSync(file, 'utf8'), '{"n":1}');
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  'a symlink at the file is not followed',
  inTempDir(async (dir) => {
    const real = join(dir, 'real.json');
    const file = join(dir, 'state.json');
    writeFileSync(real, '{"n":1}');
    symlinkSync(real, file);
    await assert.rejects(updateJson(file, bump), { code: 'EINVALID' });
    assert.equal(readFileSync(real, 'utf8'), '{"n":1}');
  }),
);

test(
  'writes indented JSON ending in a newline and resolves with the value written',
  inTempDir(async (dir) => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"n":1}');
    assert.deepEqual(await updateJson(file, bump, { indent: 0 }), { n: 2 });
    assert.equal(readFileSync(file, 'utf8'), '{"n":2}\n');
    await updateJson(file, async (current) => bump(current));
    assert.equal(readFileSync(file, 'utf8'), '{\n  "n": 3\n}\n');
  }),
);

test(
  'a holder whose lock was taken over meanwhile does not write',
  inTempDir(async (dir) => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"n":1}');
    const usurper = JSON.stringify({ pid: process.pid, threadId: 77, host: hostname(), token: 'usurper', startTime: null, acquiredAt: Date.now() });
    await assert.rejects(
      updateJson(file, (current) => {
        replaceLockFile(lockFileFor(file), usurper);
        return bump(current);
      }),
      { code: 'ECOMPROMISED' },
    );
    assert.equal(readFileSync(file, 'utf8'), '{"n":1}');
    assert.equal(readFileSync(lockFileFor(file), 'utf8'), usurper, 'the new holder keeps its lock');
    assert.deepEqual(readdirSync(dir).sort(), ['state.json', 'state.json.lock'], 'no temp left');
  }),
);

test(
  'a holder that outlived its stale limit does not write, and a breaker gets the lock',
  inTempDir(async (dir) => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"n":1}');
    // The breaker must finish its own update within its safe age (150 ms of the 200): ample on a
    // loaded machine, where 30 ms (staleMs 40) was not.
    const lockOptions = { staleMs: 200, timeoutMs: 5000 };
    const slow = updateJson(
      file,
      async (current) => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        return { n: -1, current };
      },
      { lockOptions },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fast = updateJson(file, bump, { lockOptions });
    await assert.rejects(slow, { code: 'ECOMPROMISED' });
    assert.deepEqual(await fast, { n: 2 });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { n: 2 }, 'only the breaker wrote');
    assert.equal(existsSync(lockFileFor(file)), false);
  }),
);

test(
  "an update keeps the file's mode, and as root its owner and group (nobody:nogroup)",
  { skip: process.getuid?.() === 0 ? false : 'giving a file to nobody:nogroup needs root (CI runs as root)' },
  inTempDir(async (dir) => {
    const file = join(dir, 'secret.json');
    writeFileSync(file, '{"n": 1}\n');
    chmodSync(file, 0o600);
    chownSync(file, 65534, 65534);
    await updateJson(file, bump);
    const stat = lstatSync(file);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { n: 2 });
    assert.deepEqual([stat.mode & 0o7777, stat.uid, stat.gid], [0o600, 65534, 65534]);
  }),
);
