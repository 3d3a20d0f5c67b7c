// `--store URL` of the verbs that can work on a PostgreSQL store in place of the files.
import { join } from 'node:path';
import process from 'node:process';
import { RacetrackError } from '../../core/errors.ts';
import { openPostgresStore, type PostgresStore } from '../../core/store/postgres-store.ts';
import { checkStoreUrl } from '../../core/store/store-url.ts';

/** `--store <url>`, also from RACETRACK_STORE. */
export const STORE = {
  flags: '--store <url>',
  description: 'a PostgreSQL store (postgres://user@host/db) in place of the files; needs the pg package',
  env: 'RACETRACK_STORE',
} as const;

/** How the store verbs explain `--store`, in their help. */
export const STORE_HELP = [
  'Store: --store URL (or RACETRACK_STORE) works on a PostgreSQL store, tables in schema "racetrack",',
  'in place of the files; the output and exit codes are the same. See docs/store.md.',
].join('\n');

/** Where the prefix list's config file is looked for with a store: at or above the current directory. */
export function storeConfigAnchor(): string {
  return join(process.cwd(), '.racetrack-store');
}

/** Opens the store at `url`, runs `fn` and closes it, whatever `fn` does. */
export async function withStore<T>(url: string, fn: (store: PostgresStore) => Promise<T>): Promise<T> {
  const store = await openPostgresStore(checkStoreUrl(url));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** EINVALID: `option` means a file, and `--store` was given too. */
export function notWithStore(option: string): RacetrackError {
  return new RacetrackError('EINVALID', `${option} is for the files; with --store the state is in the store`, { option });
}
