import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseCounters } from '../../../core/ids/counters.ts';
import { defaultDeps } from '../../../core/deps.ts';
import { isRacetrackError } from '../../../core/errors.ts';
import { createRealFs } from '../../../core/fs-facade.ts';
import { MAX_RESERVE_COUNT, reserveIds } from '../../../core/ids/reserver.ts';
import { DEFAULT_PREFIXES } from '../../../core/ids/task-id.ts';
import { tempDir } from '../../support/tmp.ts';

/** Runs `fn` with a counters file holding `content` (a string as is, anything else as JSON). */
function withFile(content: unknown, fn: (file: string, dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'counters.json');
      if (content !== undefined) writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      await fn(file, dir.path);
    } finally {
      dir.cleanup();
    }
  };
}

const code = (expected: string) => (err: unknown) => isRacetrackError(err) && err.code === expected;

/** Asserts `fn` rejects with `expected` and leaves the directory exactly as it was, byte for byte. */
async function rejectsUnchanged(file: string, dir: string, fn: () => Promise<unknown>, expected: string): Promise<void> {
  const before = readFileSync(file);
  await assert.rejects(fn(), code(expected));
  assert.deepEqual(readFileSync(file), before, 'the counters file is byte-for-byte unchanged');
  assert.deepEqual(readdirSync(dir), ['counters.json'], 'no lock or temp left');
}

describe('reserveIds', () => {
  test(
    'returns the IDs with an ISO timestamp and writes them before returning',
    withFile({ counters: { SEC: 19 } }, async (file) => {
      const got = await reserveIds(file, 'SEC', 2);
      assert.deepEqual(got.ids, ['SEC-20', 'SEC-21']);
      assert.equal(new Date(got.reservedAt).toISOString(), got.reservedAt);
      const state = parseCounters(readFileSync(file), file);
      assert.equal(state.counters.SEC, 21);
      assert.equal(typeof state.extra.updatedAt, 'string');
    }),
  );

  test(
    'a valid prefix absent from the file starts at 0',
    withFile({ counters: { SEC: 19 } }, async (file) => {
      assert.deepEqual((await reserveIds(file, 'DOC')).ids, ['DOC-1']);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).counters, { SEC: 19, DOC: 1 });
    }),
  );

  test(
    'other fields of the file are kept',
    withFile({ note: 'hand-made', counters: { SEC: 1 } }, async (file) => {
      await reserveIds(file, 'SEC');
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).note, 'hand-made');
    }),
  );

  test(
    'a configured prefix list replaces the default one',
    withFile({ counters: {} }, async (file, dir) => {
      assert.deepEqual((await reserveIds(file, 'BUG', 1, { prefixes: ['BUG'] })).ids, ['BUG-1']);
      await rejectsUnchanged(file, dir, () => reserveIds(file, 'SEC', 1, { prefixes: ['BUG'] }), 'EINVALID');
      await rejectsUnchanged(file, dir, () => reserveIds(file, 'BUG', 1, { prefixes: ['bug'] }), 'EINVALID');
      await rejectsUnchanged(file, dir, () => reserveIds(file, 'BUG', 1, { prefixes: [] }), 'EINVALID');
    }),
  );

  test(
    'a bad count is EINVALID and the file is unchanged',
    withFile({ counters: { SEC: 19 } }, async (file, dir) => {
      for (const count of [0, -1, 1.5, Number.NaN, Infinity, MAX_RESERVE_COUNT + 1, '2' as unknown as number]) {
        await rejectsUnchanged(file, dir, () => reserveIds(file, 'SEC', count), 'EINVALID');
      }
      assert.equal((await reserveIds(file, 'SEC', MAX_RESERVE_COUNT)).ids.length, MAX_RESERVE_COUNT);
    }),
  );

  test(
    'an unknown prefix is EINVALID naming the valid ones, and the file is unchanged',
    withFile({ counters: { SEC: 19 } }, async (file, dir) => {
      for (const prefix of ['FOO', 'sec', '', 'SEC ', 'SEC-1', '__proto__']) {
        await rejectsUnchanged(file, dir, () => reserveIds(file, prefix), 'EINVALID');
      }
      await assert.rejects(reserveIds(file, 'FOO'), (err: Error) => err.message.includes('Valid: SEC, PERF'));
    }),
  );

  test(
    'a missing counters file is ENOTFOUND telling to run init-counters, and creates nothing',
    withFile(undefined, async (file, dir) => {
      await assert.rejects(reserveIds(file, 'SEC'), (err: unknown) => isRacetrackError(err, 'ENOTFOUND') && err.message.includes('init-counters'));
      await assert.rejects(reserveIds(join(dir, 'no-dir', 'c.json'), 'SEC'), code('ENOTFOUND'));
      assert.deepEqual(readdirSync(dir), []);
    }),
  );

  const corrupt: [string, string][] = [
    ['not JSON', '{"counters": {"SEC": 19'],
    ['empty', ''],
    ['an array', '[]'],
    ['no counters', '{"SEC": 19}'],
    ['counters an array', '{"counters": [19]}'],
    ['a negative counter', '{"counters": {"SEC": -1}}'],
    ['a fractional counter', '{"counters": {"SEC": 1.5}}'],
    ['a string counter', '{"counters": {"SEC": "19"}}'],
    ['a null counter', '{"counters": {"SEC": null}}'],
    ['an unsafe counter', '{"counters": {"SEC": 9007199254740993}}'],
    ['a key that is no prefix', '{"counters": {"__proto__": 1}}'],
  ];
  for (const [what, content] of corrupt) {
    test(
      `a counters file with ${what} is ECORRUPT and left unchanged`,
      withFile(content, async (file, dir) => {
        await rejectsUnchanged(file, dir, () => reserveIds(file, 'SEC'), 'ECORRUPT');
      }),
    );
  }

  test(
    'a counter that would pass 2^53 is EINVALID and left unchanged',
    withFile({ counters: { SEC: Number.MAX_SAFE_INTEGER - 1 } }, async (file, dir) => {
      await rejectsUnchanged(file, dir, () => reserveIds(file, 'SEC', 2), 'EINVALID');
      assert.deepEqual((await reserveIds(file, 'SEC', 1)).ids, [`SEC-${Number.MAX_SAFE_INTEGER}`]);
    }),
  );

  test(
    'when the new counter cannot be made durable, no IDs are handed out and the file is unchanged',
    withFile({ counters: { SEC: 19 } }, async (file, dir) => {
      const failingSync = defaultDeps({
        fs: {
          ...createRealFs(),
          fsync: () => {
            throw Object.assign(new Error('EIO: simulated'), { code: 'EIO' });
          },
        },
      });
      await rejectsUnchanged(file, dir, () => reserveIds(file, 'SEC', 1, {}, failingSync), 'EIO');
      assert.deepEqual((await reserveIds(file, 'SEC')).ids, ['SEC-20'], 'the next reservation is not skewed');
    }),
  );

  test('any sequence of reservations yields unique IDs, contiguous per prefix', async () => {
    const step = fc.record({ prefix: fc.constantFrom(...DEFAULT_PREFIXES), count: fc.integer({ min: 1, max: 20 }) });
    const start = fc.dictionary(fc.constantFrom(...DEFAULT_PREFIXES), fc.nat({ max: 1000 }));
    await fc.assert(
      fc.asyncProperty(start, fc.array(step, { minLength: 1, maxLength: 12 }), async (initial, steps) => {
        const dir = tempDir();
        try {
          const file = join(dir.path, 'counters.json');
          writeFileSync(file, JSON.stringify({ counters: initial }));
          const next = new Map(Object.entries(initial));
          const all = new Set<string>();
          for (const { prefix, count } of steps) {
            const { ids } = await reserveIds(file, prefix, count);
            const from = next.get(prefix) ?? 0;
            assert.deepEqual(
              ids,
              Array.from({ length: count }, (_, i) => `${prefix}-${from + 1 + i}`),
            );
            next.set(prefix, from + count);
            for (const id of ids) {
              assert.ok(!all.has(id), `${id} handed out twice`);
              all.add(id);
            }
          }
          assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).counters, Object.fromEntries(next));
          assert.deepEqual(readdirSync(dir.path), ['counters.json']);
        } finally {
          dir.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});
