// The PostgreSQL store (core/store/) as systems under test: racetrack's own, and two controls
// that carry the classic database bugs the store avoids.
import { DEFAULT_LEASE_MS } from '../../../core/registry/claimer.ts';
import { selectClaim } from '../../../core/registry/claim-rules.ts';
import { readSites } from '../../../core/store/postgres-store.ts';
import { formatTaskId } from '../../../core/ids/task-id.ts';
import { RacetrackError } from '../../../core/errors.ts';
import type { PgClient } from '../../../core/store/pg-driver.ts';
import type { Sut } from '../sut.ts';
import { countersStore, exportCounters, exportRegistry, registryStore, storeOf } from './store-sut.ts';

const common = { reports: [], honoursDeps: false, honoursIdentity: false, store: 'postgres' } as const;

/** racetrack's PostgreSQL store: reserve, claim and the lease lock as core/store/ ships them. */
export const postgresSut: Sut = {
  name: 'postgres',
  kind: 'store',
  ...common,
  // Its lock reports acquisitions through the observer it is handed; reserve and claim take no lock (row locks in the server).
  description: 'the PostgreSQL store (core/store/): reserve by UPDATE … RETURNING, claim by FOR UPDATE SKIP LOCKED, a lease lock with a fencing generation',
  async reserve(counters, prefix, count) {
    const store = await countersStore(counters);
    const reservation = await store.reserve(prefix, count);
    await exportCounters(store, counters);
    return reservation;
  },
  async claim(registry, owner, phase) {
    const store = await registryStore(registry);
    const claim = await store.claim({ owner, phase, leaseMs: DEFAULT_LEASE_MS });
    await exportRegistry(store, registry);
    return claim.found ? { batch: claim.batch, sites: claim.sites } : null;
  },
  async acquire(lockPath, { lockOptions }) {
    const store = await storeOf(lockPath);
    const lock = await store.acquire(lockPath, {
      leaseMs: lockOptions.staleMs ?? 5000,
      timeoutMs: lockOptions.timeoutMs ?? 10_000,
      ...(lockOptions.wait === undefined ? {} : { wait: lockOptions.wait }),
      ...(lockOptions.observer === undefined ? {} : { observer: lockOptions.observer }),
    });
    return { release: () => lock.release(), assertHeld: () => lock.assertHeld() };
  },
};

/**
 * The store's reserve as a careless port would write it: read the counter, then write back the
 * value read plus the count, two statements with no row lock between them.
 */
export const pgReserveUnlocked: Sut = {
  name: 'pg-reserve-unlocked',
  kind: 'control',
  ...common,
  description: 'a PostgreSQL reserver that SELECTs the counter and then UPDATEs it to the value read plus the count, in two statements',
  control: { bug: 'read-modify-write of the counter row with no lock between read and write: two reservers hand out the same IDs', caughtBy: 'reserve' },
  async reserve(counters, prefix, count) {
    const store = await countersStore(counters);
    const c = await store.connect();
    let last: number;
    try {
      const read = await c.query(`SELECT value FROM ${store.schema}.counters WHERE prefix = $1`, [prefix]);
      const value = read.rowCount === 1 ? Number(read.rows[0]!.value) : 0;
      last = value + count;
      await c.query(`INSERT INTO ${store.schema}.counters (prefix, value) VALUES ($1, $2) ON CONFLICT (prefix) DO UPDATE SET value = EXCLUDED.value`, [prefix, last]);
    } finally {
      c.release();
    }
    await exportCounters(store, counters);
    return { ids: Array.from({ length: count }, (_, i) => formatTaskId(prefix, last - count + 1 + i)) };
  },
};

/**
 * The claim as a careless port would write it: select the next batch, then update its rows, with
 * no FOR UPDATE (let alone SKIP LOCKED) and no second look: every claimer that selected before the
 * first update committed takes the same batch.
 */
export const pgClaimNaive: Sut = {
  name: 'pg-claim-naive',
  kind: 'control',
  ...common,
  description: 'a PostgreSQL claimer that SELECTs the next batch by the claim rules, then UPDATEs its rows, with no row lock between',
  control: { bug: 'select-then-update without FOR UPDATE: two claimers take the same batch', caughtBy: 'claim' },
  async claim(registry, owner, phase) {
    const store = await registryStore(registry);
    const c = await store.connect();
    let outcome: { batch: string; sites: string[] } | null = null;
    try {
      const pick = selectClaim(await readSites(c, store.schema), phase, { owner, now: Date.now(), leaseMs: DEFAULT_LEASE_MS });
      if (pick !== null) {
        await c.query(`UPDATE ${store.schema}.sites SET status = $1, owner = $2, claimed_at = $3 WHERE row = ANY($4::int[])`, [
          pick.rule.to,
          owner,
          new Date().toISOString(),
          pick.rows.map((r) => r.row),
        ]);
        outcome = { batch: pick.batch, sites: pick.rows.map((r) => r.domain) };
      }
    } finally {
      c.release();
    }
    await exportRegistry(store, registry);
    return outcome;
  },
};

/** How long the advisory control sleeps between tries at most, ms (1, 2, 4 … with jitter). */
const ADVISORY_BACKOFF_MS = 32;

/**
 * The lock as a port of a file lock to PostgreSQL often is: `pg_advisory_lock` held on a session of
 * its own until release. It excludes as long as the session lives, but it has no lease and no
 * fencing token: a holder cut off from the server keeps believing it holds the lock after the
 * server dropped its session and handed the lock to another (issue measurements: about 3.5 s with
 * tcp_user_timeout=3000), and nothing tells it so before it writes.
 */
export const pgLockAdvisory: Sut = {
  name: 'pg-lock-advisory',
  kind: 'control',
  ...common,
  description: 'a PostgreSQL lock that holds pg_advisory_lock on a session of its own until release: no lease, no fencing token',
  control: {
    bug: 'an advisory lock lives as long as its session: a holder cut off from the server loses it when the server drops the session, and goes on writing as if it held it (split brain)',
    caughtBy: 'lock',
    partition: true,
  },
  async acquire(lockPath, { lockOptions }) {
    const store = await storeOf(lockPath);
    const c = await store.connect();
    // A session the server drops while the lock is held must not take the worker down: the holder learns nothing.
    (c as PgClient & { on?(event: 'error', listener: () => void): unknown }).on?.('error', () => undefined);
    const key = `${store.schema} ${lockPath}`;
    const timeoutMs = lockOptions.timeoutMs ?? 10_000;
    const started = Date.now();
    try {
      for (let backoff = 1; ; backoff = Math.min(backoff * 2, ADVISORY_BACKOFF_MS)) {
        const got = await c.query('SELECT pg_try_advisory_lock(hashtext($1)) AS got', [key]);
        if (got.rows[0]?.got === true) break;
        if (Date.now() - started >= timeoutMs) throw new RacetrackError('ETIMEOUT', `the advisory lock ${lockPath} was still held after ${timeoutMs} ms`, { timeoutMs });
        await new Promise((r) => setTimeout(r, backoff * (0.5 + Math.random())));
      }
    } catch (err) {
      c.release(true);
      throw err;
    }
    return {
      async release() {
        try {
          await c.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        } finally {
          c.release(true); // never back to the pool: a session is the lock
        }
      },
    };
  },
};
