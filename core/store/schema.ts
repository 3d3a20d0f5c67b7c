// The store's tables, created idempotently in one schema. The registry is kept as one row per
// site (its table order in `row`) and one row per batch: a claimer locks the batch's row, so a
// batch is the unit of a claim, as in the file claimer.

/** The statements that create the store's tables in `schema` if they are not there yet. */
export function schemaStatements(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE TABLE IF NOT EXISTS ${schema}.counters (prefix text PRIMARY KEY, value bigint NOT NULL CHECK (value >= 0))`,
    `CREATE TABLE IF NOT EXISTS ${schema}.batches (batch text PRIMARY KEY, ord integer NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${schema}.sites (row integer PRIMARY KEY, domain text NOT NULL, batch text NOT NULL, status text NOT NULL, owner text NOT NULL DEFAULT '', claimed_at timestamptz)`,
    `CREATE TABLE IF NOT EXISTS ${schema}.locks (name text PRIMARY KEY, holder text, generation bigint NOT NULL, expires_at timestamptz)`,
  ];
}
