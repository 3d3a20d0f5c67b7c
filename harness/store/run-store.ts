// The PostgreSQL server a run of a store system under test works on: a throwaway cluster
// (`--store postgres`, the default) or an existing server (`--store URL`), handed to the workers
// through RACETRACK_RUN_STORE. Each iteration gets its own schema (scenarios/suts/store/store-sut.ts).
import process from 'node:process';
import { RacetrackError } from '../../core/errors.ts';
import { openPostgresStore } from '../../core/store/postgres-store.ts';
import { checkStoreUrl } from '../../core/store/store-url.ts';
import { SUTS } from '../../scenarios/suts/index.ts';
import type { Sut } from '../../scenarios/suts/sut.ts';
import { RUN_STORE_ENV, schemaForRoot } from '../../scenarios/suts/store/store-sut.ts';
import { requirePostgresBin, startPgCluster, type PgClusterOptions } from './pg-cluster.ts';

/** A server given to a run; `finish` ends it (a cluster stops, an existing server loses the run's schemas). */
export interface RunStore {
  readonly url: string;
  /** A throwaway cluster started with `tcp`: its URL over TCP. */
  readonly tcpUrl?: string;
  finish(roots: readonly string[]): Promise<void>;
}

/** The systems under test that keep their state in a store. */
export const STORE_SUT_NAMES: readonly string[] = SUTS.filter((s) => s.store !== undefined).map((s) => s.name);

/**
 * Checks, before anything is created, that `store` fits `sut`: given only for a store system under
 * test, a postgres:// URL or `postgres` (PostgreSQL installed here). EINVALID otherwise.
 */
export function checkRunStore(sut: Sut, store: string | undefined): void {
  if (sut.store === undefined) {
    if (store !== undefined) throw new RacetrackError('EINVALID', `--store runs the store's systems under test (${STORE_SUT_NAMES.join(', ')}), not "${sut.name}"`, { sut: sut.name, store });
    return;
  }
  if (store === undefined || store === 'postgres') requirePostgresBin();
  else checkStoreUrl(store);
}

/**
 * The server for `sut` (`cluster`: how to start a throwaway one): null for a system under test that keeps its state in files (EINVALID if
 * `store` was given for one). `store` undefined or `postgres`: a throwaway cluster (EINVALID with an
 * install hint when PostgreSQL is not installed); else a postgres:// URL of an existing server.
 */
export async function provideRunStore(sut: Sut, store: string | undefined, cluster: PgClusterOptions = {}): Promise<RunStore | null> {
  checkRunStore(sut, store);
  if (sut.store === undefined) return null;
  const previous = process.env[RUN_STORE_ENV];
  const restore = () => {
    if (previous === undefined) delete process.env[RUN_STORE_ENV];
    else process.env[RUN_STORE_ENV] = previous;
  };
  if (store === undefined || store === 'postgres') {
    const started = startPgCluster(cluster);
    process.env[RUN_STORE_ENV] = started.url;
    return {
      url: started.url,
      ...(started.tcpUrl === undefined ? {} : { tcpUrl: started.tcpUrl }),
      finish: async () => {
        restore();
        started.stop();
      },
    };
  }
  const url = checkStoreUrl(store);
  await probeStore(url);
  process.env[RUN_STORE_ENV] = url;
  return {
    url,
    async finish(roots) {
      restore();
      // The run made these schemas; it takes them away again, and nothing else.
      for (const root of roots) {
        const s = await openPostgresStore(url, { schema: schemaForRoot(root), maxConnections: 1 });
        try {
          await s.dropSchema();
        } finally {
          await s.close();
        }
      }
    },
  };
}

/**
 * Connects to the server at `url` once, before the run's first iteration: one it cannot reach (or
 * that refuses its login) is bad input, told as such (stage `store`) before any worker starts, so
 * the run can take back what it created instead of failing every operation on it.
 */
async function probeStore(url: string): Promise<void> {
  let store: Awaited<ReturnType<typeof openPostgresStore>> | undefined;
  try {
    store = await openPostgresStore(url, { maxConnections: 1 });
    (await store.connect()).release();
  } catch (err) {
    // Also where the driver (`pg`) is not installed: nothing can run, so nothing may stay.
    if (!(err instanceof RacetrackError)) throw err;
    throw new RacetrackError(err.code, err.message, { ...err.details, stage: 'store' }, err);
  } finally {
    await store?.close();
  }
}
