// The one place that loads `pg`, the PostgreSQL client: an optional dependency, imported only
// when a PostgreSQL store is asked for, so a user of the file primitives never installs or loads it.
import { RacetrackError } from '../errors.ts';

/** The part of a `pg` query result the store reads. */
export interface PgResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** A connection taken from the pool, as the store uses it. */
export interface PgClient {
  query(text: string, values?: readonly unknown[]): Promise<PgResult>;
  release(err?: Error | boolean): void;
}

/** `pg.Pool`, as the store uses it. */
export interface PgPool {
  connect(): Promise<PgClient>;
  query(text: string, values?: readonly unknown[]): Promise<PgResult>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** Each new connection, once made. */
  on(event: 'connect', listener: (client: { on(event: 'error', listener: (err: Error) => void): unknown }) => void): unknown;
}

interface PgModule {
  Pool: new (config: { connectionString: string; max?: number; application_name?: string; allowExitOnIdle?: boolean; idleTimeoutMillis?: number }) => PgPool;
}

/** What to run when `pg` is missing. */
export const PG_INSTALL_HINT = 'npm install pg (racetrack loads it only for a PostgreSQL store)';

let loaded: Promise<PgModule> | undefined;

// A specifier in a variable: the type checker does not go looking for `pg`'s types, and a bundler
// does not pull it in for file users.
const PG_MODULE = 'pg';

/** The `pg` module, loaded on first use; EINVALID with an install hint when it is not installed. */
export function loadPg(): Promise<PgModule> {
  loaded ??= import(PG_MODULE).then(
    (m: { default?: PgModule } & Partial<PgModule>) => (m.default ?? (m as PgModule)) as PgModule,
    (err: unknown) => {
      loaded = undefined;
      throw new RacetrackError('EINVALID', `a PostgreSQL store needs the pg package, which is not installed: ${PG_INSTALL_HINT}`, { hint: PG_INSTALL_HINT }, err);
    },
  );
  return loaded;
}
