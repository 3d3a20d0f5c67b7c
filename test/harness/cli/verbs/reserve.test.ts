import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRacetrackError } from '../../../../core/errors.ts';
import { runReserve } from '../../../../harness/cli/verbs/reserve.ts';
import { tempDir } from '../../../support/tmp.ts';

function withCounters(fn: (file: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'counters.json');
      writeFileSync(file, '{"counters":{"SEC":19}}');
      await fn(file);
    } finally {
      dir.cleanup();
    }
  };
}

test(
  'reserve prints the IDs and when they were reserved',
  withCounters(async (counters) => {
    const result = await runReserve({ counters, prefix: 'SEC', count: '2' });
    assert.equal(result.exitCode, 0);
    const output = result.output as { ids: string[]; reservedAt: string };
    assert.deepEqual(Object.keys(output), ['ids', 'reservedAt']);
    assert.deepEqual(output.ids, ['SEC-20', 'SEC-21']);
    assert.equal(new Date(output.reservedAt).toISOString(), output.reservedAt);
  }),
);

test(
  'reserve takes one ID when COUNT is left out',
  withCounters(async (counters) => {
    assert.deepEqual(((await runReserve({ counters, prefix: 'SEC', count: '1' })).output as { ids: string[] }).ids, ['SEC-20']);
  }),
);

test(
  'reserve refuses a COUNT that is not a positive decimal integer, and changes nothing',
  withCounters(async (counters) => {
    const before = readFileSync(counters);
    for (const count of ['0', '-1', '1.5', '1e3', '0x10', ' 2', '', 'two', '10001', '99999999999999999999']) {
      await assert.rejects(runReserve({ counters, prefix: 'SEC', count }), (err: unknown) => isRacetrackError(err, 'EINVALID'), count);
    }
    for (const prefix of ['FOO', 'sec', '']) {
      await assert.rejects(runReserve({ counters, prefix, count: '1' }), (err: unknown) => isRacetrackError(err, 'EINVALID'), String(prefix));
    }
    await assert.rejects(runReserve({ counters: '', prefix: 'SEC', count: '1' }), (err: unknown) => isRacetrackError(err, 'EINVALID'));
    assert.deepEqual(readFileSync(counters), before);
  }),
);

test(
  'reserve --prefixes replaces the default list',
  withCounters(async (counters) => {
    assert.deepEqual(((await runReserve({ counters, prefix: 'BUG', count: '1', prefixes: 'BUG, OPS' })).output as { ids: string[] }).ids, ['BUG-1']);
    await assert.rejects(runReserve({ counters, prefix: 'SEC', count: '1', prefixes: 'BUG' }), (err: unknown) => isRacetrackError(err, 'EINVALID'));
  }),
);
