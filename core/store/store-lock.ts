// The store's lock: a lease row with an expiry and a generation (a fencing token), not an advisory
// lock. An advisory lock lives as long as its holder's connection, and a partitioned holder's
// connection lives on at the server until TCP gives up on it (over 15 s; with tcp_user_timeout the
// server frees the lock while the holder still believes it holds it). A lease ends at a time both
// sides know: the server frees it when `expires_at` passes, and the holder, counting from before it
// asked, stops trusting it (assertHeld) no later than that. See docs/store.md.
import { performance } from 'node:perf_hooks';
import { RacetrackError } from '../errors.ts';
import type { LockObserver } from '../lock/lock.ts';
import { currentIdentity } from '../runtime.ts';
import type { PgPool } from './pg-driver.ts';

/** How the store lock waits and how long its lease lasts. */
export interface StoreLockOptions {
  /** How long a lease lasts unless renewed; past it, another may take the lock. Default 5000, as the file lock's staleMs. */
  readonly leaseMs?: number;
  /** How long to wait before ETIMEOUT. Default 10000. */
  readonly timeoutMs?: number;
  /** false: ELOCKED at once when held. Default true. */
  readonly wait?: boolean;
  /** Who holds it, as recorded in the row. Default host:pid:thread and a random tail. */
  readonly holder?: string;
  readonly observer?: LockObserver;
}

/** A held store lock. */
export interface StoreLock {
  readonly name: string;
  /** The fencing token: the lock's generation, higher for every new holder. */
  readonly token: string;
  readonly generation: number;
  readonly holder: string;
  /** Monotonic ms when the request that won the lease was sent: the lease counts from there. */
  readonly acquiredAt: number;
  readonly waitedMs: number;
  /** Throws ECOMPROMISED (stage 'check') once the lease may have run out, by this process's clock. */
  assertHeld(): void;
  /** Asks the server: ECOMPROMISED unless the row still names this holder and generation, unexpired. */
  checkHeld(): Promise<void>;
  /** Frees the lock if it is still ours; ECOMPROMISED (stage 'release') if someone else took it. */
  release(): Promise<void>;
}

const DEFAULTS = { leaseMs: 5000, timeoutMs: 10_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the server answered `err` (it carries a SQLSTATE), rather than the connection failing under it. */
function fromServer(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/**
 * Runs a statement that may safely run twice, once more on a fresh connection when the first
 * one's connection failed: after a partition the pool hands back a connection whose session the
 * server has dropped, and the holder would read "unreachable" of a server it can reach again. (Had
 * the first run reached the server after all, the second finds the row already changed and the
 * caller hears ECOMPROMISED: cautious, never a false success.)
 */
async function twiceIfDisconnected(pool: PgPool, text: string, values: readonly unknown[]): Promise<Awaited<ReturnType<PgPool['query']>>> {
  try {
    return await pool.query(text, values);
  } catch (err) {
    if (fromServer(err)) throw err;
    return await pool.query(text, values);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RacetrackError('EINVALID', `${name} must be a positive number`, { [name]: value });
  return value;
}

/**
 * Takes the lock `name` in `schema`: an upsert that wins when the row is free or its lease has
 * expired (on the server's clock), bumping the generation. Waits with jittered backoff (1-32 ms)
 * until `timeoutMs` (ETIMEOUT), or fails at once with ELOCKED when `wait` is false.
 */
export async function acquireStoreLock(pool: PgPool, schema: string, name: string, options: StoreLockOptions, storeError: (err: unknown) => RacetrackError): Promise<StoreLock> {
  if (typeof name !== 'string' || name.length === 0) throw new RacetrackError('EINVALID', 'a store lock needs a non-empty name', { name });
  const leaseMs = positive('leaseMs', options.leaseMs ?? DEFAULTS.leaseMs);
  const timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs);
  const me = currentIdentity();
  const holder = options.holder ?? `${me.host}:${me.pid}:${me.threadId}:${Math.random().toString(36).slice(2, 10)}`;
  const started = performance.now();
  let attempts = 0;
  let backoff = 1;
  for (;;) {
    attempts++;
    const sent = performance.now();
    let generation: number | null;
    try {
      const res = await pool.query(
        `INSERT INTO ${schema}.locks AS l (name, holder, generation, expires_at) VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, generation = l.generation + 1, expires_at = EXCLUDED.expires_at
         WHERE l.holder IS NULL OR l.expires_at <= clock_timestamp() RETURNING generation`,
        [name, holder, leaseMs],
      );
      generation = res.rowCount === 1 ? Number(res.rows[0]!.generation) : null;
    } catch (err) {
      throw storeError(err);
    }
    const now = performance.now();
    if (generation !== null) {
      const waitedMs = now - started;
      options.observer?.acquired?.({ path: name, token: String(generation), waitedMs, at: sent, stampedAt: sent, sinceMs: now - sent, attempts });
      return heldLock(pool, schema, name, holder, generation, sent, waitedMs, leaseMs, options.observer, storeError);
    }
    if (options.wait === false) throw new RacetrackError('ELOCKED', `the store lock ${name} is held`, { name });
    if (now - started >= timeoutMs) throw new RacetrackError('ETIMEOUT', `the store lock ${name} was still held after ${timeoutMs} ms`, { name, timeoutMs });
    await sleep(Math.min(backoff * (0.5 + Math.random()), timeoutMs - (now - started)));
    backoff = Math.min(backoff * 2, 32);
  }
}

function heldLock(
  pool: PgPool,
  schema: string,
  name: string,
  holder: string,
  generation: number,
  acquiredAt: number,
  waitedMs: number,
  leaseMs: number,
  observer: LockObserver | undefined,
  storeError: (err: unknown) => RacetrackError,
): StoreLock {
  const token = String(generation);
  let released = false;
  const compromised = (stage: string, why: string) => new RacetrackError('ECOMPROMISED', `the store lock ${name} (generation ${generation}) ${why}`, { name, generation, holder, stage });
  return {
    name,
    token,
    generation,
    holder,
    acquiredAt,
    waitedMs,
    assertHeld() {
      if (released) throw compromised('check', 'was released');
      if (performance.now() - acquiredAt >= leaseMs) throw compromised('check', `may have expired: its ${leaseMs} ms lease has run out`);
    },
    async checkHeld() {
      let res: Awaited<ReturnType<PgPool['query']>>;
      try {
        res = await twiceIfDisconnected(pool, `SELECT 1 FROM ${schema}.locks WHERE name = $1 AND holder = $2 AND generation = $3 AND expires_at > clock_timestamp()`, [name, holder, generation]);
      } catch (err) {
        throw storeError(err);
      }
      if (res.rowCount !== 1) throw compromised('check', 'is no longer ours at the server');
    },
    async release() {
      if (released) throw compromised('release', 'was already released');
      released = true;
      observer?.releasing?.({ path: name, token, at: performance.now() });
      let res: Awaited<ReturnType<PgPool['query']>>;
      try {
        res = await twiceIfDisconnected(pool, `UPDATE ${schema}.locks SET holder = NULL, expires_at = NULL WHERE name = $1 AND holder = $2 AND generation = $3`, [name, holder, generation]);
      } catch (err) {
        throw storeError(err);
      }
      const at = performance.now();
      if (res.rowCount !== 1) throw compromised('release', 'was taken by another holder after its lease ran out');
      observer?.released?.({ path: name, token, heldMs: at - acquiredAt, at });
    },
  };
}
