// The behaviour every topic allocator must show, run against every registered system under test
// that allocates: the core and, through the same suite, the known-broken controls (which must fail
// the concurrency cases; test/contracts/expected-failures.ts names them).
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Sut } from '../../scenarios/suts/sut.ts';
import { contendProcesses, contendThreads, failures, okValues } from '../support/contend.ts';
import { CONTRACT_LOCK_OPTIONS, type ContractCase } from '../support/contract.ts';
import { withTempDir } from '../support/tmp.ts';

type Allocation = { number: string; path: string };

const pad = (n: number) => String(n).padStart(3, '0');

/** A fresh `topics` root inside a temp dir, so a test can also see that nothing lands beside it. */
export function inRoot(fn: (root: string, outer: string) => Promise<void>): Promise<void> {
  return withTempDir(async (outer) => {
    const root = join(outer, 'topics');
    mkdirSync(root);
    await fn(root, outer);
  });
}

/** The allocations hold numbers 1…n exactly once, and the root holds exactly their directories. */
function assertAllocations(root: string, values: Allocation[], n: number): void {
  const numbers = values.map((v) => v.number).sort();
  assert.deepEqual(
    numbers,
    Array.from({ length: n }, (_, i) => pad(i + 1)),
    'numbers are unique and contiguous from 001',
  );
  for (const v of values) {
    assert.equal(dirname(v.path), root, `${v.path} is directly in the root`);
    assert.ok(basename(v.path).startsWith(`${v.number}_`), `${v.path} is named after its number ${v.number}`);
  }
  const entries = readdirSync(root).sort();
  assert.deepEqual(entries, values.map((v) => basename(v.path)).sort(), 'the root holds exactly the allocated directories, no lock left');
  for (const e of entries) assert.ok(lstatSync(join(root, e)).isDirectory(), `${e} is a directory`);
}

async function contend(sut: Sut, how: 'threads' | 'processes', parties: number, count: number): Promise<void> {
  await inRoot(async (root) => {
    const run = how === 'threads' ? contendThreads : contendProcesses;
    const results = await run('allocate', { root, impl: sut.name }, parties, count);
    assert.deepEqual(failures(results), [], 'no allocation failed');
    assertAllocations(root, okValues(results) as Allocation[], parties * count);
  });
}

/** The allocator contract's cases for `sut`, whose contenders run test/fixtures/ops/allocate. */
export function allocatorContract(sut: Sut): ContractCase[] {
  const allocate = (root: string, name: string) => sut.allocate!(root, name, { lockOptions: CONTRACT_LOCK_OPTIONS });
  return [
    {
      id: 'first-is-001',
      title: 'the first topic in an empty root is 001 and only its own directory is created',
      run: () =>
        inRoot(async (root) => {
          const got = await allocate(root, 'alpha');
          assert.deepEqual(got, { number: '001', path: join(root, '001_alpha') });
          assert.deepEqual(readdirSync(root), ['001_alpha']);
          assert.deepEqual(readdirSync(got.path), [], 'subdirectories are created lazily, not here');
        }),
    },
    {
      id: 'sequential',
      title: 'sequential allocations count up 001, 002, … without gaps',
      run: () =>
        inRoot(async (root) => {
          const got: Allocation[] = [];
          for (let i = 0; i < 12; i++) got.push(await allocate(root, `t${i}`));
          assert.deepEqual(
            got.map((g) => g.number),
            Array.from({ length: 12 }, (_, i) => pad(i + 1)),
          );
          assertAllocations(root, got, 12);
        }),
    },
    {
      id: 'after-highest',
      title: 'the next number follows the highest NNN_ entry and ignores other names',
      run: () =>
        inRoot(async (root) => {
          for (const d of ['003_a', '010_b', '12_short', 'notes', '0042x', '.hidden']) mkdirSync(join(root, d));
          writeFileSync(join(root, 'README.md'), 'x');
          assert.equal((await allocate(root, 'c')).number, '011');
        }),
    },
    {
      id: 'past-999',
      title: 'numbers grow past 999 to 1000 and beyond',
      run: () =>
        inRoot(async (root) => {
          mkdirSync(join(root, '998_x'));
          const got = [];
          for (const name of ['a', 'b', 'c']) got.push((await allocate(root, name)).number);
          assert.deepEqual(got, ['999', '1000', '1001']);
          assert.ok(readdirSync(root).includes('1000_b'));
        }),
    },
    {
      id: 'rejects-escape',
      title: 'names with separators, "..", or nothing at all are refused and create nothing',
      run: () =>
        inRoot(async (root, outer) => {
          for (const name of ['../evil', 'a/b', '..', '.', '', 'a\\..\\b', '/abs']) {
            await assert.rejects(allocate(root, name), (err: { code?: string }) => err.code === 'EINVALID', `refuses ${JSON.stringify(name)}`);
          }
          assert.deepEqual(readdirSync(root), []);
          assert.deepEqual(readdirSync(outer), ['topics']);
        }),
    },
    {
      id: 'threads-unique',
      title: '8 worker threads allocating at once get unique, contiguous numbers',
      run: () => contend(sut, 'threads', 8, 20),
    },
    {
      id: 'processes-unique',
      title: '4 child processes allocating at once get unique, contiguous numbers',
      run: () => contend(sut, 'processes', 4, 20),
    },
  ];
}
