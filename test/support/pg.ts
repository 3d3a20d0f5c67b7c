// One throwaway PostgreSQL cluster per test file, shared by its tests: started before the first,
// stopped after the last. Where PostgreSQL is not installed the file's tests are skipped, saying so.
import process from 'node:process';
import { after, before } from 'node:test';
import { RUN_STORE_ENV } from '../../scenarios/suts/store/store-sut.ts';
import { findPostgresBin, startPgCluster, type PgCluster } from '../../harness/store/pg-cluster.ts';

/** Why the store's tests cannot run here, or undefined when they can. */
export const NO_POSTGRES: string | undefined = findPostgresBin() === null ? 'PostgreSQL is not installed (apt-get install postgresql)' : undefined;

/** The cluster of this test file; its `url` is ready inside tests (not at registration time). */
export function useCluster(): { readonly url: string } {
  let cluster: PgCluster | undefined;
  if (NO_POSTGRES === undefined) {
    before(() => {
      cluster = startPgCluster();
    });
    after(() => cluster?.stop());
  }
  return {
    get url() {
      if (cluster === undefined) throw new Error('the test cluster is not running');
      return cluster.url;
    },
  };
}

/**
 * A cluster for this test file's store systems under test, as `racetrack run --store postgres`
 * gives one: its URL in RACETRACK_RUN_STORE, which contending threads and processes inherit.
 */
export function useStoreServer(): void {
  let cluster: PgCluster | undefined;
  if (NO_POSTGRES !== undefined) return;
  before(() => {
    cluster = startPgCluster();
    process.env[RUN_STORE_ENV] = cluster.url;
  });
  after(() => {
    delete process.env[RUN_STORE_ENV];
    cluster?.stop();
  });
}
