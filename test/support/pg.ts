// One throwaway PostgreSQL cluster per test file, shared by its tests: started before the first,
// stopped after the last. Where PostgreSQL is not installed the file's tests are skipped, saying so.
import { after, before } from 'node:test';
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
