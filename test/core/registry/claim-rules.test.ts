import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyClaim, CLAIM_RULES, holdOf, PHASES, selectClaim, type Claimant } from '../../../core/registry/claim-rules.ts';
import { readEntries, type RegistryEntry } from '../../../core/registry/entries.ts';
import { parseRegistry, renderRegistry } from '../../../core/registry/table.ts';
import { registryFileArbitrary } from '../../fixtures/registry-arbitrary.ts';
import { registryText, type FixtureBatch } from '../../fixtures/registry-text.ts';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const LEASE = 60_000;
const as = (owner: string | null, now = NOW): Claimant => ({ owner, now, leaseMs: LEASE });
const entriesOf = (batches: FixtureBatch[]) => readEntries(parseRegistry(registryText(batches)));
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('claim rules', () => {
  test("the phases claim as the seed's table says, in its priority order", () => {
    assert.deepEqual(
      CLAIM_RULES.design.map((r) => `${r.from}${r.to}`),
      ['dd', 'Bd'],
    );
    assert.deepEqual(
      CLAIM_RULES.implement.map((r) => `${r.from}${r.to}`),
      ['ii', 'Oi', 'DO'],
    );
  });

  test("who holds a row: free, mine, expired, or someone else's", () => {
    const e = (status: string, owner: string, claimedMsAgo: number | null): RegistryEntry =>
      ({ row: 0, line: 1, domain: 'x', batch: '1', status, owner, claimedAt: claimedMsAgo === null ? null : NOW - claimedMsAgo }) as RegistryEntry;
    assert.equal(holdOf(e('B', 'alice', 0), as('bob')), 'free');
    assert.equal(holdOf(e('O', '', null), as('bob')), 'free');
    assert.equal(holdOf(e('d', '', null), as('bob')), 'other');
    assert.equal(holdOf(e('d', 'bob', LEASE * 10), as('bob')), 'mine');
    assert.equal(holdOf(e('i', 'alice', LEASE - 1), as('bob')), 'other');
    assert.equal(holdOf(e('i', 'alice', LEASE), as('bob')), 'expired');
    assert.equal(holdOf(e('O', 'alice', null), as(null)), 'expired');
  });

  test('within a rule, a batch the claimant holds comes before an expired one earlier in the table', () => {
    const entries = entriesOf([
      { batch: '001', status: 'i', sites: ['a'], owner: 'alice', claimed: ago(LEASE * 2) },
      { batch: '002', status: 'i', sites: ['b'], owner: 'bob', claimed: ago(LEASE * 2) },
    ]);
    assert.equal(selectClaim(entries, 'implement', as('bob'))?.batch, '002');
    const other = selectClaim(entries, 'implement', as('carol'));
    assert.deepEqual([other?.batch, other?.previousOwner], ['001', 'alice']);
  });

  test("a read-only look never offers a batch within someone's lease", () => {
    const entries = entriesOf([{ batch: '001', status: 'd', sites: ['a'], owner: 'alice', claimed: ago(1) }]);
    assert.equal(selectClaim(entries, 'design', as(null)), null);
  });

  test('rows without a batch are never claimed', () => {
    assert.equal(selectClaim(entriesOf([{ batch: '', status: 'B', sites: ['a'] }]), 'design', as('w')), null);
  });
});

describe('properties', () => {
  const claimant = fc.record({
    owner: fc.constantFrom('alice', 'bob', 'w-1', 'zed'),
    now: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    leaseMs: fc.integer({ min: 1, max: 10 ** 12 }),
  });

  test('a claim changes only the rows of the batch it picked (and adds the owner columns)', () => {
    fc.assert(
      fc.property(registryFileArbitrary, fc.constantFrom(...PHASES), claimant, (g, phase, who) => {
        const table = parseRegistry(g.text);
        const before = readEntries(table);
        const pick = selectClaim(before, phase, who);
        if (pick === null) return;
        assert.ok(pick.rows.length > 0 && pick.rows.every((r) => r.batch === pick.batch && r.status === pick.rule.from));
        assert.ok(
          before.filter((e) => e.batch === pick.batch).every((e) => holdOf(e, who) !== 'other'),
          'nobody else holds the batch',
        );

        const at = new Date(who.now).toISOString();
        const claimed = applyClaim(table, pick, who.owner, at);
        const text = renderRegistry(claimed);
        const reparsed = parseRegistry(text);
        assert.equal(reparsed.before, table.before);
        assert.equal(reparsed.after, table.after);
        const picked = new Set(pick.rows.map((r) => r.row));
        readEntries(reparsed).forEach((e, i) => {
          const old = before[i]!;
          if (picked.has(i)) assert.deepEqual([e.status, e.owner, e.claimedAt], [pick.rule.to, who.owner, Date.parse(at)]);
          else assert.deepEqual({ ...e, line: 0 }, { ...old, line: 0 }, `row ${i} unchanged`);
        });

        const oldLines = g.text.split('\n');
        const newLines = text.split('\n');
        assert.equal(newLines.length, oldLines.length);
        const hadColumns = table.columns.owner !== null && table.columns.claimed !== null;
        const allowed = new Set(hadColumns ? pick.rows.map((r) => r.line - 1) : [table.header.line - 1, table.alignment.line - 1, ...table.rows.map((r) => r.line - 1)]);
        newLines.forEach((l, i) => {
          if (!allowed.has(i)) assert.equal(l, oldLines[i], `line ${i + 1} unchanged`);
        });
      }),
      { numRuns: 300 },
    );
  });
});
