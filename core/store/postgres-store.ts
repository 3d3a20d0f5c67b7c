// A PostgreSQL store for the primitives that outgrow one machine's files: reserve, claim and lock,
// with the same results and errors as the file primitives. `pg` is loaded only when one is opened.
import { checkCount, type Reservation } from '../ids/reserver.ts';
import { mergeCounters, type CounterMerge } from '../ids/init-counters.ts';
import { checkPrefix, checkPrefixList, formatTaskId } from '../ids/task-id.ts';
import { isRacetrackError, RacetrackError } from '../errors.ts';
import { selectClaim, type Phase } from '../registry/claim-rules.ts';
import { readEntries, type RegistryEntry } from '../registry/entries.ts';
import { applyClaim } from '../registry/claim-rules.ts';
import { parseRegistry, renderRegistry } from '../registry/table.ts';
import { loadPg, type PgClient, type PgPool } from './pg-driver.ts';
import { schemaStatements } from './schema.ts';
import { checkSchemaName, checkStoreUrl, redactUrl } from './store-url.ts';
import { acquireStoreLock, type StoreLock, type StoreLockOptions } from './store-lock.ts';

/** The schema the store uses unless told otherwise. */
export const DEFAULT_STORE_SCHEMA = 'racetrack';

/** Where the store is and how many connections it may hold. */
export interface PostgresStoreOptions {
  /** The schema of its tables (a lower-case identifier). Default DEFAULT_STORE_SCHEMA. */
  readonly schema?: string;
  /** Pool size. Default 4. */
  readonly maxConnections?: number;
}

/** A claim the store made (or found no work for): the shape of the file claimer's batch claim. */
export type StoreClaim =
  | {
      readonly found: true;
      readonly batch: string;
      readonly sites: readonly string[];
      readonly from: string;
      readonly to: string;
      readonly resumed: boolean;
      readonly owner: string;
      readonly claimedAt: string;
      readonly previousOwner: string;
    }
  | { readonly found: false; readonly reason: 'no_work_found' };

/** What `claim` is told: who, for which phase, the lease, and the wall clock. */
export interface StoreClaimOptions {
  readonly owner: string;
  readonly phase: Phase;
  readonly leaseMs: number;
  /** Wall-clock ms. Default Date.now. */
  readonly now?: () => number;
}

/** An open PostgreSQL store. Close it when done: its pool holds connections. */
export interface PostgresStore {
  readonly url: string;
  readonly schema: string;
  /** Creates the schema and tables if absent (idempotent, safe to run concurrently). */
  ensureSchema(): Promise<void>;
  /** Drops the schema and everything in it (the harness's per-iteration schemas only). */
  dropSchema(): Promise<void>;
  /** The counters as stored. */
  readCounters(): Promise<Record<string, number>>;
  /** Merges the highest IDs found into the counters in one transaction (see mergeCounters). */
  mergeCounters(highest: Readonly<Record<string, number>>, prefixes: readonly string[], force: boolean): Promise<CounterMerge>;
  /** Reserves `count` consecutive IDs: one `UPDATE … RETURNING`, committed before it returns. */
  reserve(prefix: string, count: number, prefixes?: readonly string[]): Promise<Reservation>;
  /** Replaces the store's registry with the table in `text` (a REGISTRY.md). */
  importRegistry(text: string): Promise<{ sites: number; batches: number }>;
  /** `text` (the REGISTRY.md imported) with each row's status, owner and claim time as stored. */
  exportRegistry(text: string): Promise<string>;
  /** Claims the next batch for `owner`: batch rows locked `FOR UPDATE SKIP LOCKED`, the file claimer's rules. */
  claim(options: StoreClaimOptions): Promise<StoreClaim>;
  /** Takes the named lease lock (see store-lock.ts). */
  acquire(name: string, options?: StoreLockOptions): Promise<StoreLock>;
  /** A connection of the store's pool, for a caller's own statements (release it). */
  connect(): Promise<PgClient>;
  close(): Promise<void>;
}

/** The PostgreSQL error code (SQLSTATE) of `err`, or undefined. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Turns a driver error into a RacetrackError: a missing schema is ENOTFOUND, an unreachable server EINVALID. */
export function fromStoreError(err: unknown, url: string, schema: string): RacetrackError {
  if (err instanceof RacetrackError) return err;
  const state = sqlState(err);
  const message = err instanceof Error ? err.message : String(err);
  const store = redactUrl(url);
  if (state === '42P01' || state === '3F000') {
    return new RacetrackError(
      'ENOTFOUND',
      `the store has no racetrack tables in schema ${schema}: run racetrack init-counters --store (or store-registry import) first (${message})`,
      { store, schema, sqlState: state },
      err,
    );
  }
  if (state === undefined || state.startsWith('08') || state.startsWith('28') || state === '3D000' || state === '57P03') {
    return new RacetrackError('EINVALID', `cannot reach the PostgreSQL store ${store}: ${message}`, { store, ...(state === undefined ? {} : { sqlState: state }) }, err);
  }
  return new RacetrackError('EIO', `the PostgreSQL store ${store} refused: ${message}`, { store, sqlState: state }, err);
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Runs `fn` in one transaction on one connection: committed if it returns, rolled back if it throws. */
async function inTransaction<T>(pool: PgPool, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/** The registry rows of the store, in table order, read in one statement. */
export async function readSites(c: PgClient, schema: string, batch?: string): Promise<RegistryEntry[]> {
  const where = batch === undefined ? '' : 'WHERE batch = $1';
  const res = await c.query(
    `SELECT row, domain, batch, status, owner, (extract(epoch FROM claimed_at) * 1000)::float8 AS claimed FROM ${schema}.sites ${where} ORDER BY row`,
    batch === undefined ? [] : [batch],
  );
  return res.rows.map((r) => ({
    row: Number(r.row),
    line: Number(r.row) + 1,
    domain: String(r.domain),
    batch: String(r.batch),
    status: String(r.status) as RegistryEntry['status'],
    owner: String(r.owner),
    claimedAt: r.claimed === null ? null : Number(r.claimed),
  }));
}

/**
 * Opens a store at `url` (postgres:// or postgresql://). Loads `pg` here and only here; EINVALID
 * with an install hint when it is missing, and for a bad URL or schema name. Connects lazily.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  checkStoreUrl(url);
  const schema = checkSchemaName(options.schema ?? DEFAULT_STORE_SCHEMA);
  const pg = await loadPg();
  // allowExitOnIdle: idle connections do not keep a process alive that has nothing else to do.
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4, application_name: 'racetrack', allowExitOnIdle: true, idleTimeoutMillis: 5000 });
  // An idle connection the server drops must not take the process down.
  pool.on('error', () => undefined);
  // Nor must a connection that dies while checked out (a partition, the server dropping the
  // session): its query fails, which is how the caller learns; the 'error' event it also emits
  // would otherwise end the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const wrap = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw fromStoreError(err, url, schema);
    }
  };

  const store: PostgresStore = {
    url,
    schema,
    ensureSchema: () =>
      wrap(() =>
        inTransaction(pool, async (c) => {
          // CREATE … IF NOT EXISTS races with itself on the catalogs: one creator at a time.
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`racetrack schema ${schema}`]);
          for (const statement of schemaStatements(schema)) await c.query(statement);
        }),
      ),
    dropSchema: () => wrap(async () => void (await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))),
    readCounters: () =>
      wrap(async () => {
        const res = await pool.query(`SELECT prefix, value FROM ${schema}.counters ORDER BY prefix`);
        return Object.fromEntries(res.rows.map((r) => [String(r.prefix), Number(r.value)]));
      }),
    mergeCounters: (highest, prefixes, force) =>
      wrap(() =>
        inTransaction(pool, async (c) => {
          await c.query(`LOCK TABLE ${schema}.counters IN SHARE ROW EXCLUSIVE MODE`);
          const res = await c.query(`SELECT prefix, value FROM ${schema}.counters`);
          const before = Object.fromEntries(res.rows.map((r) => [String(r.prefix), Number(r.value)]));
          const merge = mergeCounters(before, highest, prefixes, force);
          for (const change of [...merge.raised, ...merge.lowered]) {
            await c.query(`INSERT INTO ${schema}.counters (prefix, value) VALUES ($1, $2) ON CONFLICT (prefix) DO UPDATE SET value = EXCLUDED.value`, [change.prefix, change.to]);
          }
          return merge;
        }),
      ),
    async reserve(prefix, count, prefixes) {
      const wanted = checkPrefix(prefix, checkPrefixList(prefixes));
      const n = checkCount(count);
      return wrap(async () => {
        // One statement, one transaction: the row lock orders reservers, and the commit (durable
        // with synchronous_commit on, the server's default) comes before the IDs are returned.
        const res = await pool.query(
          `INSERT INTO ${schema}.counters AS c (prefix, value) VALUES ($1, $2) ON CONFLICT (prefix) DO UPDATE SET value = c.value + EXCLUDED.value WHERE c.value + EXCLUDED.value <= $3 RETURNING value`,
          [wanted, n, MAX_SAFE],
        );
        if (res.rowCount !== 1) throw new RacetrackError('EINVALID', `reserving ${n} under ${wanted} would pass ${MAX_SAFE}`, { prefix: wanted, count: n });
        const last = Number(res.rows[0]!.value);
        return { ids: Array.from({ length: n }, (_, i) => formatTaskId(wanted, last - n + 1 + i)), reservedAt: new Date().toISOString() };
      });
    },
    importRegistry(text) {
      const entries = readEntries(parseRegistry(text));
      return wrap(() =>
        inTransaction(pool, async (c) => {
          await c.query(`LOCK TABLE ${schema}.batches, ${schema}.sites IN ACCESS EXCLUSIVE MODE`);
          await c.query(`DELETE FROM ${schema}.sites`);
          await c.query(`DELETE FROM ${schema}.batches`);
          const batches = [...new Set(entries.map((e) => e.batch))];
          for (const [ord, batch] of batches.entries()) await c.query(`INSERT INTO ${schema}.batches (batch, ord) VALUES ($1, $2)`, [batch, ord]);
          for (const e of entries) {
            await c.query(`INSERT INTO ${schema}.sites (row, domain, batch, status, owner, claimed_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
              e.row,
              e.domain,
              e.batch,
              e.status,
              e.owner,
              e.claimedAt === null ? null : new Date(e.claimedAt).toISOString(),
            ]);
          }
          return { sites: entries.length, batches: batches.length };
        }),
      );
    },
    async exportRegistry(text) {
      let table = parseRegistry(text);
      const entries = readEntries(table);
      const stored = await wrap(async () => {
        const c = await pool.connect();
        try {
          return await readSites(c, schema);
        } finally {
          c.release();
        }
      });
      if (stored.length !== entries.length || stored.some((s, i) => s.domain !== entries[i]!.domain || s.batch !== entries[i]!.batch)) {
        throw new RacetrackError('EINVALID', 'the registry file does not have the rows the store has (same domains and batches, in the same order): export into the file that was imported', {
          storeRows: stored.length,
          fileRows: entries.length,
        });
      }
      for (const s of stored) {
        const e = entries[s.row]!;
        if (s.status === e.status && s.owner === e.owner && s.claimedAt === e.claimedAt) continue;
        table = applyClaim(table, { batch: s.batch, rule: { from: e.status, to: s.status }, rows: [e], previousOwner: '' }, s.owner, s.claimedAt === null ? '' : new Date(s.claimedAt).toISOString());
      }
      return renderRegistry(table);
    },
    claim: (options) => wrap(() => claimBatch(pool, schema, options)),
    acquire: (name, lockOptions) => acquireStoreLock(pool, schema, name, lockOptions ?? {}, (err) => fromStoreError(err, url, schema)),
    connect: () => wrap(() => pool.connect()),
    close: () => pool.end(),
  };
  return store;
}

/**
 * The claim: pick a batch by the file claimer's rules (selectClaim) from a fresh read, lock its
 * batch row `FOR UPDATE SKIP LOCKED` (a batch another claimer holds is skipped, not waited for),
 * read its rows again now that no one else can change them, and claim them if they are still
 * claimable; else skip it and pick again. One transaction; the lock goes with the commit.
 */
async function claimBatch(pool: PgPool, schema: string, options: StoreClaimOptions): Promise<StoreClaim> {
  return inTransaction(pool, async (c) => {
    const skipped = new Set<string>();
    for (;;) {
      const now = (options.now ?? Date.now)();
      const claimant = { owner: options.owner, now, leaseMs: options.leaseMs };
      const entries = (await readSites(c, schema)).filter((e) => !skipped.has(e.batch));
      const pick = selectClaim(entries, options.phase, claimant);
      if (pick === null) return { found: false, reason: 'no_work_found' } as const;
      const locked = await c.query(`SELECT batch FROM ${schema}.batches WHERE batch = $1 FOR UPDATE SKIP LOCKED`, [pick.batch]);
      skipped.add(pick.batch);
      if (locked.rowCount !== 1) continue;
      const fresh = selectClaim(await readSites(c, schema, pick.batch), options.phase, claimant);
      if (fresh === null) continue;
      const claimedAt = new Date(now).toISOString();
      await c.query(`UPDATE ${schema}.sites SET status = $1, owner = $2, claimed_at = $3 WHERE row = ANY($4::int[])`, [fresh.rule.to, options.owner, claimedAt, fresh.rows.map((r) => r.row)]);
      return {
        found: true,
        batch: fresh.batch,
        sites: fresh.rows.map((r) => r.domain),
        from: fresh.rule.from,
        to: fresh.rule.to,
        resumed: fresh.rule.from === fresh.rule.to,
        owner: options.owner,
        claimedAt,
        previousOwner: fresh.previousOwner,
      } as const;
    }
  });
}

/** Whether `err` says the store is missing or unreachable (for callers that fall back or explain). */
export function isStoreUnavailable(err: unknown): boolean {
  return isRacetrackError(err, 'EINVALID') && typeof (err as RacetrackError).details.store === 'string';
}
