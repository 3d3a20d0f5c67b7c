// The behaviour every registry claimer must show, run against every registered system under test
// that claims: the core and, through the same suite, the known-broken controls (which must fail
// the concurrency cases; test/contracts/expected-failures.ts names them).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Phase } from '../../core/registry/claim-rules.ts';
import { readEntries, type RegistryEntry } from '../../core/registry/entries.ts';
import { parseRegistry } from '../../core/registry/table.ts';
import type { ClaimOutcome, Sut } from '../../scenarios/suts/sut.ts';
import { registryText, uniformBatches, type FixtureBatch, type FixtureOptions } from '../fixtures/registry-text.ts';
import { contendProcesses, contendThreads, failures, okValues } from '../support/contend.ts';
import { CONTRACT_LOCK_OPTIONS, type ContractCase } from '../support/contract.ts';
import { tempDir } from '../support/tmp.ts';

/** The claiming spec's transitions: what a claim in each phase may do to a row's status. */
const LEGAL: Record<Phase, Record<string, string>> = {
  design: { B: 'd', d: 'd' },
  implement: { D: 'O', O: 'i', i: 'i' },
};

type Claim = ClaimOutcome & { owner: string };

/** A registry file holding `batches` in a fresh temp dir. */
async function withRegistry(batches: readonly FixtureBatch[], fn: (registry: string, dir: string) => Promise<void>, options: FixtureOptions = {}): Promise<void> {
  const dir = tempDir();
  try {
    const registry = join(dir.path, 'REGISTRY.md');
    writeFileSync(registry, registryText(batches, options));
    await fn(registry, dir.path);
  } finally {
    dir.cleanup();
  }
}

function entriesOf(registry: string): RegistryEntry[] {
  return readEntries(parseRegistry(readFileSync(registry, 'utf8')));
}

function rowsOf(registry: string, batch: string): RegistryEntry[] {
  return entriesOf(registry).filter((e) => e.batch === batch);
}

function assertNothingLeft(dir: string): void {
  assert.deepEqual(readdirSync(dir), ['REGISTRY.md'], 'no lock or temp file left beside the registry');
}

/**
 * Every batch was claimed at most once and by one owner; `expected` claims were made; each
 * claimed batch's rows moved legally and name their claimer; unclaimed batches are untouched.
 */
function assertClaimedOnce(registry: string, initial: readonly FixtureBatch[], phase: Phase, values: unknown[], expected: number): void {
  const claims = values.filter((v): v is Claim => v !== null);
  const byBatch = new Map<string, Claim[]>();
  for (const c of claims) byBatch.set(c.batch, [...(byBatch.get(c.batch) ?? []), c]);
  const twice = [...byBatch].filter(([, cs]) => cs.length > 1).map(([b, cs]) => `${b} by ${cs.map((c) => c.owner).join(', ')}`);
  assert.deepEqual(twice, [], 'no batch was claimed twice');
  assert.equal(claims.length, expected, 'every claimable batch was claimed');
  const final = entriesOf(registry);
  for (const b of initial) {
    const rows = final.filter((e) => e.batch === b.batch);
    assert.deepEqual(
      rows.map((r) => r.domain),
      b.sites,
      `batch ${b.batch} keeps its sites`,
    );
    const claim = byBatch.get(b.batch)?.[0];
    if (claim === undefined) {
      assert.ok(
        rows.every((r) => r.status === b.status && r.owner === (b.owner ?? '')),
        `unclaimed batch ${b.batch} is untouched`,
      );
      continue;
    }
    assert.deepEqual([...claim.sites], b.sites, `the claim of ${b.batch} names its sites`);
    for (const r of rows) {
      assert.equal(r.status, LEGAL[phase][b.status], `batch ${b.batch} moved ${b.status} → ${LEGAL[phase][b.status]} (got ${r.status})`);
      assert.equal(r.owner, claim.owner, `batch ${b.batch} is recorded to its one claimer ${claim.owner}`);
    }
  }
}

async function contend(sut: Sut, how: 'threads' | 'processes', parties: number, count: number, batches: FixtureBatch[], phase: Phase, expected: number): Promise<void> {
  await withRegistry(batches, async (registry, dir) => {
    const run = how === 'threads' ? contendThreads : contendProcesses;
    const results = await run('claim', { registry, phase, impl: sut.name }, parties, count);
    assert.deepEqual(failures(results), [], 'no claim failed');
    assertClaimedOnce(registry, batches, phase, okValues(results), expected);
    assertNothingLeft(dir);
  });
}

/** The claimer contract's cases for `sut`, whose contenders run test/fixtures/ops/claim. */
export function claimerContract(sut: Sut): ContractCase[] {
  const claim = (registry: string, owner: string, phase: Phase) => sut.claim!(registry, owner, phase, { lockOptions: CONTRACT_LOCK_OPTIONS });
  const soon = () => new Date().toISOString();
  return [
    {
      id: 'design-claim',
      title: 'a design claim moves the first B batch to d, records its owner, and changes no other line (CRLF kept)',
      run: () =>
        withRegistry(
          uniformBatches(3, 2, 'B'),
          async (registry, dir) => {
            const before = readFileSync(registry, 'utf8').split('\r\n');
            const got = await claim(registry, 'alice', 'design');
            assert.deepEqual(got && { batch: got.batch, sites: got.sites }, { batch: '001', sites: ['s001-0.example', 's001-1.example'] });
            assert.ok(rowsOf(registry, '001').every((r) => r.status === 'd' && r.owner === 'alice' && r.claimedAt !== null));
            const after = readFileSync(registry, 'utf8').split('\r\n');
            const changed = after.flatMap((line, i) => (line === before[i] ? [] : [i]));
            assert.deepEqual(changed, [6, 7], 'only the rows of batch 001 changed');
            assertNothingLeft(dir);
          },
          { eol: '\r\n', ownerColumns: true },
        ),
    },
    {
      id: 'distinct-then-none',
      title: 'successive claimers get successive batches, then no work, and no work changes nothing',
      run: () =>
        withRegistry(uniformBatches(4, 1, 'B'), async (registry) => {
          const got = [];
          for (const owner of ['a', 'b', 'c', 'd']) got.push((await claim(registry, owner, 'design'))?.batch);
          assert.deepEqual(got, ['001', '002', '003', '004']);
          const before = readFileSync(registry);
          assert.equal(await claim(registry, 'e', 'design'), null);
          assert.deepEqual(readFileSync(registry), before);
        }),
    },
    {
      id: 'implement-order',
      title: 'an implement claim takes O → i before D → O, and never touches B or Q',
      run: () =>
        withRegistry(
          [
            { batch: '001', status: 'D', sites: ['a.example'] },
            { batch: '002', status: 'O', sites: ['b.example'] },
            { batch: '003', status: 'B', sites: ['c.example'] },
            { batch: '004', status: 'Q', sites: ['d.example'] },
          ],
          async (registry) => {
            assert.equal((await claim(registry, 'x', 'implement'))?.batch, '002');
            assert.equal((await claim(registry, 'y', 'implement'))?.batch, '001');
            assert.deepEqual(
              entriesOf(registry).map((e) => `${e.batch}${e.status}${e.owner}`),
              ['001Oy', '002ix', '003B', '004Q'],
            );
          },
        ),
    },
    {
      id: 'in-progress-owner-only',
      title: 'a batch in progress within its lease goes back to its owner only',
      run: () =>
        withRegistry(
          [
            { batch: '001', status: 'd', sites: ['a.example', 'b.example'], owner: 'alice', claimed: soon() },
            { batch: '002', status: 'B', sites: ['c.example'] },
          ],
          async (registry) => {
            assert.equal((await claim(registry, 'bob', 'design'))?.batch, '002');
            assert.equal(await claim(registry, 'carol', 'design'), null);
            assert.equal((await claim(registry, 'alice', 'design'))?.batch, '001');
            assert.deepEqual(
              rowsOf(registry, '001').map((r) => `${r.status}${r.owner}`),
              ['dalice', 'dalice'],
            );
          },
        ),
    },
    {
      id: 'lease-expired',
      title: 'a batch whose lease expired goes to the next claimer, who is recorded as its owner',
      run: () =>
        withRegistry([{ batch: '007', status: 'i', sites: ['a.example'], owner: 'alice', claimed: '2000-01-01T00:00:00.000Z' }], async (registry) => {
          assert.equal((await claim(registry, 'bob', 'implement'))?.batch, '007');
          assert.deepEqual(
            rowsOf(registry, '007').map((r) => `${r.status}${r.owner}`),
            ['ibob'],
          );
          assert.equal(await claim(registry, 'carol', 'implement'), null);
        }),
    },
    {
      id: 'bad-registry',
      title: 'a registry without a Status column is refused and left byte for byte as it was',
      run: () =>
        withRegistry(uniformBatches(2, 1, 'B'), async (registry, dir) => {
          const text = readFileSync(registry, 'utf8').replace('| Status |', '| State |');
          writeFileSync(registry, text);
          await assert.rejects(claim(registry, 'alice', 'design'));
          assert.equal(readFileSync(registry, 'utf8'), text);
          assertNothingLeft(dir);
        }),
    },
    {
      id: 'threads-once',
      title: '8 worker threads claiming at once claim every batch exactly once, each by one owner',
      run: () => contend(sut, 'threads', 8, 6, uniformBatches(40, 2, 'B'), 'design', 40),
    },
    {
      id: 'threads-implement-once',
      title: '8 worker threads claiming for implement move each D and O batch once, legally',
      run: () => contend(sut, 'threads', 8, 5, [...uniformBatches(24, 1, 'D'), ...uniformBatches(30, 1, 'O').slice(24)], 'implement', 30),
    },
    {
      id: 'processes-once',
      title: '4 child processes claiming at once claim every batch exactly once, each by one owner',
      run: () => contend(sut, 'processes', 4, 12, uniformBatches(40, 2, 'B'), 'design', 40),
    },
  ];
}
