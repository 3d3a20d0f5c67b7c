// racetrack's PostgreSQL store as a system under test, driven by the same scenarios, contract
// suites and checkers as the files. A scenario hands each operation a file (counters.json,
// REGISTRY.md, section.lock); here that file names the store's state instead: the directory it is
// in picks the schema (one fresh schema per iteration root), the file's contents are imported into
// it on first use, and after every operation the store's state is exported back into the file,
// under a transaction-scoped advisory lock so exports land in commit order. The checkers thus judge
// what the store holds, through the files they already read.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { RacetrackError } from '../../../core/errors.ts';
import { encodeCounters, readCounters } from '../../../core/ids/counters.ts';
import { openPostgresStore, type PostgresStore } from '../../../core/store/postgres-store.ts';
import type { PgClient } from '../../../core/store/pg-driver.ts';
import { writeAtomic } from '../../../core/write/atomic-write.ts';

/** Where the harness puts the URL of the server a store system under test works on. */
export const RUN_STORE_ENV = 'RACETRACK_RUN_STORE';

/** The schema of the iteration whose files are in `root`. */
export function schemaForRoot(root: string): string {
  return `rt_${createHash('sha1').update(resolve(root)).digest('hex').slice(0, 24)}`;
}

// One open store per thread: a worker moves from iteration to iteration, so the previous one is closed.
let current: { schema: string; store: Promise<PostgresStore> } | undefined;

/** The store of the iteration `file` belongs to, its schema created. */
export async function storeOf(file: string): Promise<PostgresStore> {
  const url = process.env[RUN_STORE_ENV];
  if (url === undefined || url === '') {
    throw new RacetrackError('EINVALID', `this system under test keeps its state in PostgreSQL: run it with racetrack run --store postgres (or --store URL)`, { env: RUN_STORE_ENV });
  }
  const schema = schemaForRoot(dirname(file));
  if (current?.schema !== schema) {
    const previous = current;
    const store = openPostgresStore(url, { schema, maxConnections: 2 }).then(async (s) => {
      await s.ensureSchema();
      return s;
    });
    current = { schema, store };
    store.catch(() => undefined);
    if (previous !== undefined) void previous.store.then((s) => s.close()).catch(() => undefined);
  }
  return current.store;
}

/** Runs `fn` on a store of its own for the iteration (or bench round) whose files are in `root`, closed after. */
export async function withRoundStore<T>(root: string, fn: (store: PostgresStore) => Promise<T>): Promise<T> {
  const url = process.env[RUN_STORE_ENV];
  if (url === undefined || url === '') throw new RacetrackError('EINVALID', 'no store server is set for this run', { env: RUN_STORE_ENV });
  const store = await openPostgresStore(url, { schema: schemaForRoot(root), maxConnections: 1 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Runs `fn` in a transaction holding the schema's advisory lock `what`: imports and exports, one at a time. */
async function serialized<T>(store: PostgresStore, what: string, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const c = await store.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${store.schema} ${what}`]);
    await c.query(`CREATE TABLE IF NOT EXISTS ${store.schema}.imported (file text PRIMARY KEY)`);
    const result = await fn(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

// The files this thread has seen imported: later operations on them skip the import transaction.
const imported = new Set<string>();

/** Imports `file` into the store once per schema: `load` runs for the first operation only. */
async function importOnce(store: PostgresStore, file: string, load: (c: PgClient) => Promise<void>): Promise<void> {
  const key = `${store.schema} ${resolve(file)}`;
  if (imported.has(key)) return;
  await serialized(store, 'import', async (c) => {
    const done = await c.query(`SELECT 1 FROM ${store.schema}.imported WHERE file = $1`, [resolve(file)]);
    if (done.rowCount === 1) return;
    await load(c);
    await c.query(`INSERT INTO ${store.schema}.imported (file) VALUES ($1)`, [resolve(file)]);
  });
  imported.add(key);
}

/** The counters file's counters in the store (once), and the store for the operation. */
export async function countersStore(countersFile: string): Promise<PostgresStore> {
  const store = await storeOf(countersFile);
  await importOnce(store, countersFile, async (c) => {
    const { counters } = readCounters(countersFile);
    for (const [prefix, value] of Object.entries(counters)) {
      await c.query(`INSERT INTO ${store.schema}.counters (prefix, value) VALUES ($1, $2) ON CONFLICT (prefix) DO NOTHING`, [prefix, value]);
    }
  });
  return store;
}

/** Writes the store's counters into the counters file, in commit order. */
export async function exportCounters(store: PostgresStore, countersFile: string): Promise<void> {
  await serialized(store, 'export', async (c) => {
    const res = await c.query(`SELECT prefix, value FROM ${store.schema}.counters ORDER BY prefix`);
    const counters = Object.fromEntries(res.rows.map((r) => [String(r.prefix), Number(r.value)]));
    const { extra } = readCounters(countersFile);
    writeAtomic(countersFile, encodeCounters(counters, extra, new Date().toISOString()), { durable: false });
  });
}

/** The registry file's table in the store (once), and the store for the operation. */
export async function registryStore(registry: string): Promise<PostgresStore> {
  const store = await storeOf(registry);
  await importOnce(store, registry, async () => {
    await store.importRegistry(readFileSync(registry, 'utf8'));
  });
  return store;
}

/** Writes the store's registry state into the registry file, in commit order. */
export async function exportRegistry(store: PostgresStore, registry: string): Promise<void> {
  await serialized(store, 'export', async () => {
    const text = readFileSync(registry, 'utf8');
    const next = await store.exportRegistry(text);
    if (next !== text) writeAtomic(registry, next, { durable: false });
  });
}
