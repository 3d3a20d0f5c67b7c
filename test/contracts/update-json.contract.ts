// The behaviour every JSON read-modify-write implementation must show, judged by what is on disk:
// run against every registered system under test that updates, the core and, through the same
// suite, the known-broken control (an atomic update without a lock around it), which must lose
// concurrent updates (test/contracts/expected-failures.ts names the cases).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDeps, type Deps } from '../../core/deps.ts';
import type { Sut } from '../../scenarios/suts/sut.ts';
import { contendProcesses, contendThreads, failures, okValues } from '../support/contend.ts';
import { CONTRACT_LOCK_OPTIONS, type ContractCase } from '../support/contract.ts';
import { faultyFs } from '../support/faulty-fs.ts';
import { withTempDir } from '../support/tmp.ts';
import type { OpOutcome } from '../fixtures/contender.ts';

const increment = (current: unknown) => {
  const value = current as { n: number };
  return { ...value, n: value.n + 1 };
};

/** Every increment read a distinct value, the counter ends at `expected`, nothing is left beside it. */
async function assertNoLostUpdates(dir: string, contend: (file: string) => Promise<OpOutcome[][]>, expected: number): Promise<void> {
  const file = join(dir, 'counter.json');
  writeFileSync(file, '{"n": 0, "keep": "me"}\n');
  const results = await contend(file);
  assert.deepEqual(failures(results), [], 'every update succeeded');
  const seen = (okValues(results) as number[]).slice().sort((a, b) => a - b);
  assert.deepEqual(
    seen,
    Array.from({ length: expected }, (_, i) => i),
    'every update read a distinct value',
  );
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { n: expected, keep: 'me' }, 'no update was lost');
  assert.deepEqual(readdirSync(dir), ['counter.json'], 'no lock or temp left behind');
}

/** The update-json contract's cases for `sut`, whose contenders run test/fixtures/ops/update-json-increment. */
export function updateJsonContract(sut: Sut): ContractCase[] {
  const { name } = sut;
  const update = (file: string, fn: (current: unknown) => unknown, deps: Deps) => sut.update!(file, fn, { lockOptions: CONTRACT_LOCK_OPTIONS, deps });
  return [
    {
      id: 'applies',
      title: 'an update replaces the file with what fn returned for its current value',
      run: () =>
        withTempDir(async (dir) => {
          const file = join(dir, 'state.json');
          writeFileSync(file, '{"n": 41, "entries": ["a"]}');
          await update(
            file,
            (current) => {
              const value = current as { n: number; entries: string[] };
              return { n: value.n + 1, entries: [...value.entries, 'b'] };
            },
            defaultDeps(),
          );
          assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { n: 42, entries: ['a', 'b'] });
          assert.deepEqual(readdirSync(dir), ['state.json']);
        }),
    },
    {
      id: 'fn-throws',
      title: 'when fn throws, the update fails with its error and the file is byte for byte unchanged',
      run: () =>
        withTempDir(async (dir) => {
          const file = join(dir, 'state.json');
          const before = '{ "n" : 1 }';
          writeFileSync(file, before);
          const boom = new Error('boom');
          await assert.rejects(
            update(
              file,
              () => {
                throw boom;
              },
              defaultDeps(),
            ),
            (err) => err === boom,
          );
          assert.equal(readFileSync(file, 'utf8'), before);
          assert.deepEqual(readdirSync(dir), ['state.json']);
        }),
    },
    {
      id: 'malformed',
      title: 'malformed JSON is rejected without calling fn, and the file is byte for byte unchanged',
      run: () =>
        withTempDir(async (dir) => {
          const file = join(dir, 'state.json');
          const before = '{"n": 1, "entries": [';
          writeFileSync(file, before);
          let called = false;
          await assert.rejects(
            update(
              file,
              () => {
                called = true;
                return {};
              },
              defaultDeps(),
            ),
          );
          assert.equal(called, false);
          assert.equal(readFileSync(file, 'utf8'), before);
          assert.deepEqual(readdirSync(dir), ['state.json']);
        }),
    },
    {
      id: 'crash-mid-write',
      title: 'a crash midway through writing the new value leaves the old file intact',
      run: () =>
        withTempDir(async (dir) => {
          const file = join(dir, 'state.json');
          const before = `${JSON.stringify({ n: 1, pad: 'x'.repeat(2000) })}\n`;
          writeFileSync(file, before);
          await assert.rejects(update(file, increment, defaultDeps({ fs: faultyFs('tear', 'crash') })));
          assert.equal(readFileSync(file, 'utf8'), before);
        }),
    },
    {
      id: 'threads-no-lost-updates',
      title: '8 worker threads incrementing one counter lose no update',
      run: () => withTempDir((dir) => assertNoLostUpdates(dir, (file) => contendThreads('update-json-increment', { file, impl: name }, 8, 20), 160)),
    },
    {
      id: 'processes-no-lost-updates',
      title: '4 child processes incrementing one counter lose no update',
      run: () => withTempDir((dir) => assertNoLostUpdates(dir, (file) => contendProcesses('update-json-increment', { file, impl: name }, 4, 20), 80)),
    },
  ];
}
