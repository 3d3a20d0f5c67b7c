// The PostgreSQL server of `racetrack bench --store`: a throwaway cluster started as `run --store
// postgres` starts one, but with fsync on when the bench's writes are durable (a fair comparison
// with the durable file core), or an existing server as it is configured. What it was (fsync,
// synchronous_commit, version) goes into bench.json, so that every store row says how durable it was.
import { openPostgresStore } from '../../core/store/postgres-store.ts';
import { redactUrl } from '../../core/store/store-url.ts';
import { postgresSut } from '../../scenarios/suts/store/postgres.ts';
import { provideRunStore } from '../store/run-store.ts';
import type { BenchStoreInfo } from './bench-types.ts';

/** The server's settings that decide what a commit costs. */
async function serverSettings(url: string): Promise<Pick<BenchStoreInfo, 'fsync' | 'synchronousCommit' | 'version'>> {
  const store = await openPostgresStore(url, { maxConnections: 1 });
  try {
    const c = await store.connect();
    try {
      const show = async (name: string) => String((await c.query(`SELECT current_setting($1) AS v`, [name])).rows[0]?.v ?? '');
      return { fsync: await show('fsync'), synchronousCommit: await show('synchronous_commit'), version: await show('server_version') };
    } finally {
      c.release();
    }
  } finally {
    await store.close();
  }
}

/**
 * Runs `measure` with a server for the store rows (RACETRACK_RUN_STORE set, which the workers
 * inherit): `store` is `postgres` (a throwaway cluster, fsync as `durable`) or a postgres:// URL.
 * `measure` is handed a collector for the round directories; on an existing server their schemas,
 * which the bench made, are dropped after; a throwaway cluster is stopped and removed.
 */
export async function withBenchStore<T>(store: string, durable: boolean, measure: (onRoundDir: (dir: string) => void) => Promise<T>): Promise<{ result: T; info: BenchStoreInfo }> {
  const server = await provideRunStore(postgresSut, store, { fsync: durable });
  if (server === null) throw new Error('the postgres system under test keeps its state in a store');
  const roots: string[] = [];
  try {
    const settings = await serverSettings(server.url);
    const info: BenchStoreInfo = {
      server: store === 'postgres' ? 'a throwaway cluster (initdb in a temp dir, a Unix socket)' : redactUrl(server.url),
      ...settings,
      durable: settings.fsync === 'on' && settings.synchronousCommit !== 'off',
    };
    const result = await measure((dir) => roots.push(dir));
    return { result, info };
  } finally {
    await server.finish(roots);
  }
}
