// The behaviour every ID reserver must show, run against every registered system under test that
// reserves: the core and, through the same suite, the known-broken controls (which must fail the
// concurrency cases; test/contracts/expected-failures.ts names them).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sut } from '../../scenarios/suts/sut.ts';
import { contendProcesses, contendThreads, failures, okValues } from '../support/contend.ts';
import { CONTRACT_LOCK_OPTIONS, type ContractCase } from '../support/contract.ts';
import { tempDir } from '../support/tmp.ts';

type Reserved = { prefix: string; count: number; ids: string[] };

async function withCounters(counters: Record<string, number>, fn: (file: string, dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir();
  try {
    const file = join(dir.path, 'counters.json');
    writeFileSync(file, JSON.stringify({ counters }));
    await fn(file, dir.path);
  } finally {
    dir.cleanup();
  }
}

function readCounters(file: string): Record<string, number> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { counters: Record<string, number> }).counters;
}

/**
 * Every batch is consecutive under its prefix; per prefix, all IDs together are exactly
 * start+1 … start+total, each once; the file is valid and holds start+total; nothing is left beside it.
 */
function assertReservations(file: string, dir: string, start: Record<string, number>, values: Reserved[]): void {
  const byPrefix = new Map<string, number[]>();
  for (const v of values) {
    assert.equal(v.ids.length, v.count, `a batch of ${v.count} got ${v.ids.length} IDs`);
    const numbers = v.ids.map((id) => {
      const [p, n] = id.split('-');
      assert.equal(p, v.prefix, `${id} has the prefix asked for`);
      return Number(n);
    });
    numbers.forEach((n, i) => {
      assert.equal(n, numbers[0]! + i, `batch ${v.ids.join(',')} is consecutive`);
    });
    byPrefix.set(v.prefix, [...(byPrefix.get(v.prefix) ?? []), ...numbers]);
  }
  const counters = readCounters(file);
  for (const [prefix, numbers] of byPrefix) {
    const first = start[prefix] ?? 0;
    const expected = Array.from({ length: numbers.length }, (_, i) => first + 1 + i);
    assert.deepEqual(
      numbers.sort((a, b) => a - b),
      expected,
      `${prefix} IDs are unique and contiguous from ${first + 1}`,
    );
    assert.equal(counters[prefix], first + numbers.length, `the ${prefix} counter holds the last ID handed out`);
  }
  assert.deepEqual(readdirSync(dir), ['counters.json'], 'no lock or temp file left behind');
}

async function contend(sut: Sut, how: 'threads' | 'processes', parties: number, count: number): Promise<void> {
  const start = { SEC: 19, PERF: 12, UX: 66 };
  await withCounters(start, async (file, dir) => {
    const run = how === 'threads' ? contendThreads : contendProcesses;
    const args = { countersFile: file, impl: sut.name, prefixes: ['SEC', 'PERF', 'DOC'], maxCount: 3 };
    const results = await run('reserve', args, parties, count);
    assert.deepEqual(failures(results), [], 'no reservation failed');
    assertReservations(file, dir, start, okValues(results) as Reserved[]);
  });
}

/** The reserver contract's cases for `sut`, whose contenders run test/fixtures/ops/reserve. */
export function reserverContract(sut: Sut): ContractCase[] {
  const reserve = (file: string, prefix: string, count: number) => sut.reserve!(file, prefix, count, { lockOptions: CONTRACT_LOCK_OPTIONS });
  return [
    {
      id: 'next-after-counter',
      title: 'a reservation hands out the IDs after the counter and records the last one',
      run: () =>
        withCounters({ SEC: 19, PERF: 12 }, async (file, dir) => {
          assert.deepEqual((await reserve(file, 'SEC', 1)).ids, ['SEC-20']);
          assert.deepEqual((await reserve(file, 'SEC', 2)).ids, ['SEC-21', 'SEC-22']);
          assert.deepEqual(readCounters(file), { SEC: 22, PERF: 12 });
          assert.deepEqual(readdirSync(dir), ['counters.json']);
        }),
    },
    {
      id: 'batch',
      title: "a batch of five is five consecutive IDs (the ID-reservation spec's example)",
      run: () =>
        withCounters({ UX: 66 }, async (file) => {
          assert.deepEqual((await reserve(file, 'UX', 5)).ids, ['UX-67', 'UX-68', 'UX-69', 'UX-70', 'UX-71']);
          assert.equal(readCounters(file).UX, 71);
        }),
    },
    {
      id: 'prefixes-apart',
      title: 'each prefix counts on its own',
      run: () =>
        withCounters({ SEC: 3, PERF: 40 }, async (file) => {
          assert.deepEqual((await reserve(file, 'PERF', 2)).ids, ['PERF-41', 'PERF-42']);
          assert.deepEqual((await reserve(file, 'SEC', 1)).ids, ['SEC-4']);
          assert.deepEqual((await reserve(file, 'PERF', 1)).ids, ['PERF-43']);
          assert.deepEqual(readCounters(file), { SEC: 4, PERF: 43 });
        }),
    },
    {
      id: 'threads-unique',
      title: '8 worker threads reserving at once get unique, contiguous IDs per prefix',
      run: () => contend(sut, 'threads', 8, 20),
    },
    {
      id: 'processes-unique',
      title: '4 child processes reserving at once get unique, contiguous IDs per prefix',
      run: () => contend(sut, 'processes', 4, 15),
    },
  ];
}
