import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRacetrackError } from '../../core/errors.ts';
import { openPostgresStore, type PostgresStore } from '../../core/store/postgres-store.ts';
import { registryText } from '../../scenarios/workloads/claim.ts';
import { NO_POSTGRES, useCluster } from '../support/pg.ts';

const cluster = useCluster();
let schemas = 0;

async function withStore(fn: (store: PostgresStore) => Promise<void>, max = 10): Promise<void> {
  const store = await openPostgresStore(cluster.url, { schema: `t${++schemas}`, maxConnections: max });
  try {
    await store.ensureSchema();
    await fn(store);
  } finally {
    await store.close();
  }
}

describe('PostgreSQL store', { skip: NO_POSTGRES }, () => {
  test('creating the schema twice, and from several clients at once, is harmless', () =>
    withStore(async (store) => {
      await Promise.all([store.ensureSchema(), store.ensureSchema(), store.ensureSchema()]);
      assert.deepEqual(await store.readCounters(), {});
    }));

  test('concurrent reservations are unique, consecutive per batch and gapless; the counter holds the last', () =>
    withStore(async (store) => {
      await store.mergeCounters({ SEC: 19 }, ['SEC'], false);
      const counts = Array.from({ length: 200 }, (_, i) => 1 + (i % 3));
      const batches = await Promise.all(counts.map((n) => store.reserve('SEC', n)));
      const numbers = batches.flatMap((b, i) => {
        assert.equal(b.ids.length, counts[i]);
        const ns = b.ids.map((id) => Number(id.slice(4)));
        for (const [k, n] of ns.entries()) assert.equal(n, ns[0]! + k);
        return ns;
      });
      const total = counts.reduce((a, b) => a + b, 0);
      assert.deepEqual(
        numbers.sort((a, b) => a - b),
        Array.from({ length: total }, (_, i) => 20 + i),
      );
      assert.deepEqual(await store.readCounters(), { SEC: 19 + total });
    }));

  test('a reservation checks its prefix and count before it touches the store', () =>
    withStore(async (store) => {
      await assert.rejects(store.reserve('NOPE', 1), (e) => isRacetrackError(e, 'EINVALID'));
      await assert.rejects(store.reserve('SEC', 0), (e) => isRacetrackError(e, 'EINVALID'));
      assert.deepEqual(await store.readCounters(), {});
    }));

  test('init merges like the counters file: raises, keeps, lowers only with force', () =>
    withStore(async (store) => {
      await store.mergeCounters({ SEC: 5, UX: 9 }, ['SEC', 'UX'], false);
      const kept = await store.mergeCounters({ SEC: 3 }, ['SEC', 'UX'], false);
      assert.deepEqual(kept.raised, []);
      assert.deepEqual(await store.readCounters(), { SEC: 5, UX: 9 });
      await store.mergeCounters({ SEC: 3 }, ['SEC', 'UX'], true);
      assert.deepEqual(await store.readCounters(), { SEC: 3, UX: 0 });
    }));

  test('concurrent claims take each batch once, record owner and time, and export into the registry file', () =>
    withStore(async (store) => {
      const text = registryText(12);
      assert.deepEqual(await store.importRegistry(text), { sites: 24, batches: 12 });
      const claims = await Promise.all(Array.from({ length: 16 }, (_, w) => store.claim({ owner: `w${w}`, phase: 'implement', leaseMs: 60_000 })));
      const found = claims.filter((c) => c.found);
      assert.equal(found.length, 12, 'every batch claimed, the rest found no work');
      assert.equal(new Set(found.map((c) => c.batch)).size, 12, 'no batch claimed twice');
      const out = await store.exportRegistry(text);
      for (const c of found) {
        for (const site of c.sites) assert.match(out, new RegExp(`\\| ${site.replace(/\./g, '\\.')} \\| ${c.batch} \\| i \\| ${c.owner} \\| ${c.claimedAt.replace(/\./g, '\\.')} \\|`));
      }
      assert.ok(out.endsWith('Notes stay as they are.\n'), 'text around the table kept');
      const again = await store.claim({ owner: 'w0', phase: 'implement', leaseMs: 60_000 });
      assert.ok(again.found && again.resumed && again.owner === 'w0', 'an owner resumes its own batch');
    }));

  test('a claim whose lease ran out is taken over, naming the previous owner', () =>
    withStore(async (store) => {
      await store.importRegistry(registryText(1));
      const first = await store.claim({ owner: 'a', phase: 'implement', leaseMs: 1000, now: () => Date.parse('2026-01-01T00:00:00Z') });
      assert.ok(first.found);
      const held = await store.claim({ owner: 'b', phase: 'implement', leaseMs: 1000, now: () => Date.parse('2026-01-01T00:00:00.500Z') });
      assert.equal(held.found, false);
      const taken = await store.claim({ owner: 'b', phase: 'implement', leaseMs: 1000, now: () => Date.parse('2026-01-01T00:00:02Z') });
      assert.ok(taken.found && taken.previousOwner === 'a');
    }));

  test('the lease lock excludes: concurrent holders never overlap, and generations rise', () =>
    withStore(async (store) => {
      let inside = 0;
      let counter = 0;
      const tokens: number[] = [];
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          const lock = await store.acquire('section', { leaseMs: 10_000 });
          inside++;
          assert.equal(inside, 1, 'one holder at a time');
          const read = counter;
          await new Promise((r) => setTimeout(r, 2));
          counter = read + 1;
          tokens.push(lock.generation);
          inside--;
          await lock.release();
        }),
      );
      assert.equal(counter, 12);
      assert.deepEqual(
        tokens,
        [...tokens].sort((a, b) => a - b),
      );
      assert.equal(new Set(tokens).size, 12);
    }));

  test('an expired lease goes to the next holder; the old holder learns it on check and on release', () =>
    withStore(async (store) => {
      const old = await store.acquire('l', { leaseMs: 150 });
      await assert.rejects(store.acquire('l', { wait: false }), (e) => isRacetrackError(e, 'ELOCKED'));
      await new Promise((r) => setTimeout(r, 200));
      assert.throws(
        () => old.assertHeld(),
        (e) => isRacetrackError(e, 'ECOMPROMISED'),
      );
      const next = await store.acquire('l', { leaseMs: 5000 });
      assert.ok(next.generation > old.generation, 'the fencing token rose');
      await assert.rejects(old.checkHeld(), (e) => isRacetrackError(e, 'ECOMPROMISED'));
      await assert.rejects(old.release(), (e) => isRacetrackError(e, 'ECOMPROMISED'));
      await next.checkHeld();
      await next.release();
    }));

  test('a schema that was never created is ENOTFOUND; an unreachable server and a bad URL are EINVALID', async () => {
    const bare = await openPostgresStore(cluster.url, { schema: 'never_created' });
    try {
      await assert.rejects(bare.reserve('SEC', 1), (e) => isRacetrackError(e, 'ENOTFOUND'));
    } finally {
      await bare.close();
    }
    const nowhere = await openPostgresStore('postgresql://racetrack@%2Fnonexistent:1/postgres');
    try {
      await assert.rejects(nowhere.reserve('SEC', 1), (e) => isRacetrackError(e, 'EINVALID'));
    } finally {
      await nowhere.close();
    }
    await assert.rejects(openPostgresStore('mysql://x'), (e) => isRacetrackError(e, 'EINVALID'));
    await assert.rejects(openPostgresStore(cluster.url, { schema: 'Bad-Name' }), (e) => isRacetrackError(e, 'EINVALID'));
  });
});
