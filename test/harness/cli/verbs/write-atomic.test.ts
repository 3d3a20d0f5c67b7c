import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { isRacetrackError } from '../../../../core/errors.ts';
import { runWriteAtomic } from '../../../../harness/cli/verbs/write-atomic.ts';
import { inTempDirSync } from '../../../support/tmp.ts';

test(
  'write-atomic replaces the file with the content and reports its absolute path and size',
  inTempDirSync((dir) => {
    const file = join(dir, 'STATE.md');
    writeFileSync(file, 'old state, longer than the new\n');
    const result = runWriteAtomic({ file: relative(process.cwd(), file), content: 'state: 1\n' });
    assert.deepEqual(result, { exitCode: 0, output: { file, bytes: 9, durable: true } });
    assert.equal(readFileSync(file, 'utf8'), 'state: 1\n');
    assert.deepEqual(readdirSync(dir), ['STATE.md']);
  }),
);

test(
  'write-atomic takes bytes as they are, and --no-durable is reported',
  inTempDirSync((dir) => {
    const file = join(dir, 'blob');
    const content = new Uint8Array([0, 0xff, 0x0a, 0xc3]);
    assert.deepEqual(runWriteAtomic({ file, content, durable: false }).output, { file, bytes: 4, durable: false });
    assert.deepEqual(new Uint8Array(readFileSync(file)), content);
  }),
);

test(
  'write-atomic into a missing directory is ENOTFOUND, into a file EINVALID, and creates nothing',
  inTempDirSync((dir) => {
    writeFileSync(join(dir, 'plain'), 'a file, not a directory');
    for (const file of [join(dir, 'no', 'STATE.md'), join(dir, 'plain', 'sub', 'STATE.md')]) {
      assert.throws(
        () => runWriteAtomic({ file, content: 'x' }),
        (err: unknown) => isRacetrackError(err, 'ENOTFOUND'),
        file,
      );
    }
    assert.throws(
      () => runWriteAtomic({ file: join(dir, 'plain', 'STATE.md'), content: 'x' }),
      (err: unknown) => isRacetrackError(err, 'EINVALID'),
    );
    assert.deepEqual(readdirSync(dir), ['plain']);
    assert.equal(readFileSync(join(dir, 'plain'), 'utf8'), 'a file, not a directory');
  }),
);

test(
  'write-atomic refuses a directory or an empty path as FILE and changes nothing',
  inTempDirSync((dir) => {
    mkdirSync(join(dir, 'sub'));
    for (const file of [join(dir, 'sub'), `${dir}/`, '', undefined, 'a\0b']) {
      assert.throws(
        () => runWriteAtomic({ file, content: 'x' }),
        (err: unknown) => isRacetrackError(err, 'EINVALID'),
        String(file),
      );
    }
    assert.deepEqual(readdirSync(dir), ['sub']);
    assert.deepEqual(readdirSync(join(dir, 'sub')), []);
  }),
);
