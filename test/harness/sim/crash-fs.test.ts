import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { createRealFs } from '../../../core/fs-facade.ts';
import { Crash, isCrash } from '../../../harness/sim/crash.ts';
import { createCrashFs } from '../../../harness/sim/crash-fs.ts';
import { seededDepsRandom } from '../../../harness/sim/seeded-deps-random.ts';
import { SimDisk } from '../../../harness/sim/sim-disk.ts';
import { createVirtualClock } from '../../../harness/sim/virtual-clock.ts';
import { inTempDirSync } from '../../support/tmp.ts';

const enc = new TextEncoder();

test(
  'a crash before a call stops it, and every later call throws a Crash too',
  inTempDirSync((dir) => {
    const c = createCrashFs(createRealFs(), { call: 1, phase: 'before' });
    c.fs.mkdir(join(dir, 'a'));
    assert.throws(
      () => c.fs.mkdir(join(dir, 'b')),
      (err: unknown) => isCrash(err),
    );
    assert.equal(c.crashed(), true);
    assert.throws(() => c.fs.readdir(dir), Crash);
    assert.deepEqual(readdirSync(dir), ['a']);
    assert.deepEqual(
      c.calls.map((x) => [x.method, x.outcome]),
      [
        ['mkdir', 'ok'],
        ['mkdir', 'crashed-before'],
      ],
    );
  }),
);

test(
  'a crash after a call lets it reach the disk, then kills the process',
  inTempDirSync((dir) => {
    const c = createCrashFs(createRealFs(), { call: 0, phase: 'after' });
    assert.throws(() => c.fs.mkdir(join(dir, 'a')), Crash);
    assert.deepEqual(readdirSync(dir), ['a']);
    assert.equal(c.calls[0]!.outcome, 'crashed-after');
  }),
);

test(
  'a crash mid-write leaves exactly the first k bytes, and the cleanup in writeAtomic never runs',
  inTempDirSync((dir) => {
    const file = join(dir, 'STATE.md');
    // Call 0 looks at the target (whose mode a replacement keeps), call 1 creates the temp, call 2 writes.
    const c = createCrashFs(createRealFs(), { call: 2, phase: 'mid', bytes: 3 });
    const deps = { fs: c.fs, clock: createVirtualClock(0), random: seededDepsRandom(1) };
    assert.throws(() => writeAtomic(file, enc.encode('0123456789'), {}, deps), Crash);
    const left = readdirSync(dir);
    assert.equal(left.length, 1, 'the torn temp stays: its unlink in the catch was refused');
    assert.match(left[0]!, /^STATE\.md\.tmp\./);
    assert.equal(readFileSync(join(dir, left[0]!), 'utf8'), '012');
    assert.deepEqual(
      c.calls.map((x) => `${x.method}:${x.outcome}`),
      ['lstat:error', 'openExclusive:ok', 'write:crashed-mid'],
    );
    assert.equal(c.calls[2]!.wrote, 3);
  }),
);

test('with no crash point the wrapper records every call, failures included', () => {
  const disk = new SimDisk();
  const c = createCrashFs(disk.facade(), null);
  c.fs.mkdir('/a');
  assert.throws(() => c.fs.mkdir('/a'), { code: 'EEXIST' });
  const fd = c.fs.openExclusive('/a/f');
  c.fs.write(fd, enc.encode('abc'));
  c.fs.close(fd);
  assert.equal(c.count(), 5);
  assert.deepEqual(
    c.calls.map((x) => `${x.method}:${x.outcome}:${x.error ?? ''}`),
    ['mkdir:ok:', 'mkdir:error:EEXIST', 'openExclusive:ok:', 'write:ok:', 'close:ok:'],
  );
  assert.deepEqual(c.calls[3]!.args, [fd, 3]);
  assert.equal(c.crashed(), false);
});

test("the crashed process's open files are closed for it, as the kernel would", () => {
  const disk = new SimDisk();
  disk.facade().mkdir('/a');
  const c = createCrashFs(disk.facade(), { call: 1, phase: 'before' });
  const fd = c.fs.openExclusive('/a/f');
  assert.throws(() => c.fs.write(fd, enc.encode('x')), Crash);
  assert.throws(() => disk.facade().close(fd), { code: 'EBADF' });
});
