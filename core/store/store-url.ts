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

/** Query parameters of a connection string that carry a secret. */
const SECRET_PARAMS = ['password', 'sslpassword', 'sslkey'];

/**
 * The store URL without its secrets, for messages and for the files a run shares (result.json,
 * summary.md): the password of `user:password@` (`***`, even one holding an unencoded `@`) and the
 * `password`/`sslpassword`/`sslkey` query parameters.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const base = q === -1 ? url : url.slice(0, q);
  const scheme = /^[a-z]+:\/\//i.exec(base)?.[0] ?? '';
  // The user part runs from the scheme to the last `@` before the query (pg reads it so).
  const at = base.lastIndexOf('@');
  const user = at > scheme.length ? base.slice(scheme.length, at) : null;
  const hidden = user === null || !user.includes(':') ? base : `${scheme}${user.slice(0, user.indexOf(':'))}:***${base.slice(at)}`;
  if (q === -1) return hidden;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const key = p.split('=')[0] ?? '';
      return SECRET_PARAMS.includes(decodeURIComponentSafe(key).toLowerCase()) ? `${key}=***` : p;
    });
  return `${hidden}?${params.join('&')}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
