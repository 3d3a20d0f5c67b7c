import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRacetrackError } from '../../../../core/errors.ts';
import { runAllocate } from '../../../../harness/cli/verbs/allocate.ts';
import { tempDir } from '../../../support/tmp.ts';

function inRoot(fn: (root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try {
      const root = join(dir.path, 'specs');
      mkdirSync(root);
      await fn(root);
    } finally {
      dir.cleanup();
    }
  };
}

test(
  'allocate prints the topic number and path as JSON',
  inRoot(async (root) => {
    const result = await runAllocate({ root, name: 'auth_flow', format: 'json' });
    assert.deepEqual(result, { exitCode: 0, output: { topic_number: '001', topic_path: join(root, '001_auth_flow') } });
  }),
);

test(
  'allocate --format simple prints NNN|path',
  inRoot(async (root) => {
    await runAllocate({ root, name: 'a', format: 'json' });
    assert.deepEqual(await runAllocate({ root, name: 'b', format: 'simple' }), { exitCode: 0, output: `002|${join(root, '002_b')}` });
  }),
);

test(
  'allocate refuses an empty root or name and a bad name without creating anything',
  inRoot(async (root) => {
    const bad = [
      { root: '', name: 'x' },
      { root, name: '' },
      { root, name: '../x' },
    ];
    for (const args of bad) {
      await assert.rejects(runAllocate({ ...args, format: 'json' }), (err: unknown) => isRacetrackError(err, 'EINVALID'), JSON.stringify(args));
    }
    assert.deepEqual(readdirSync(root), []);
  }),
);

test(
  'allocate under a missing root is ENOTFOUND',
  inRoot(async (root) => {
    await assert.rejects(runAllocate({ root: join(root, 'nope'), name: 'x', format: 'json' }), (err: unknown) => isRacetrackError(err, 'ENOTFOUND'));
  }),
);
