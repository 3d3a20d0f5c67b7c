import { RacetrackError } from '../errors.ts';

/** Whether `value` names a PostgreSQL server (`postgres://…` or `postgresql://…`). */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** `url` if it names a PostgreSQL server; EINVALID otherwise (files stay the default store). */
export function checkStoreUrl(url: string): string {
  if (!isPostgresUrl(url)) throw new RacetrackError('EINVALID', `--store must be a postgres:// or postgresql:// URL, got ${JSON.stringify(url)}`, { store: url });
  return url;
}

/** The schema a store keeps its tables in: a lower-case SQL identifier, so it needs no quoting. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new RacetrackError('EINVALID', `a store schema must be a lower-case SQL identifier (a-z, 0-9, _; at most 63), got ${JSON.stringify(schema)}`, { schema });
  }
  return schema;
}

/** The store URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*):[^@]*@/, '$1:***@');
}
