import { groupBy } from './group-by.ts';
import { field, stringField } from './unknown-value.ts';

/** One registry row (or one row per batch) as a scenario reports it in `facts`. */
export interface BatchRow {
  readonly batch: string;
  readonly status: string;
  /** '' when none is recorded. */
  readonly owner: string;
}

/** What a batch's row looked like before the workers ran. */
export type InitialLookup = (batch: string, occurrence: number) => { readonly status: string; readonly owner: string } | undefined;

function rowOf(x: unknown): BatchRow | null {
  const batch = stringField(x, 'batch');
  const status = stringField(x, 'status');
  const owner = field(x, 'owner');
  if (batch === undefined || status === undefined) return null;
  if (owner !== undefined && owner !== null && typeof owner !== 'string') return null;
  return { batch, status, owner: owner ?? '' };
}

/**
 * `facts[name]` as rows: an array of `{batch, status, owner?}`, one per batch or one per registry
 * row (in registry order). Null when absent or when any element is malformed.
 */
export function batchRows(facts: unknown, name = 'batches'): BatchRow[] | null {
  const raw = field(facts, name);
  if (!Array.isArray(raw)) return null;
  const rows = raw.map(rowOf);
  return rows.every((r) => r !== null) ? (rows as BatchRow[]) : null;
}

/**
 * `facts.initial`, in any of the shapes a scenario may give it: one status every batch started in
 * (`'O'`), a record batch → status, or rows like `facts.batches`. Null when absent or malformed.
 * A batch's `occurrence` is its index among that batch's rows, for per-row facts.
 */
export function initialRows(facts: unknown): InitialLookup | null {
  const raw = field(facts, 'initial');
  if (typeof raw === 'string') return () => ({ status: raw, owner: '' });
  if (Array.isArray(raw)) {
    const rows = batchRows(facts, 'initial');
    if (rows === null) return null;
    const byBatch = groupRows(rows);
    return (batch, occurrence) => byBatch.get(batch)?.[occurrence];
  }
  if (typeof raw === 'object' && raw !== null) {
    const record = raw as Record<string, unknown>;
    return (batch) => {
      const status = Object.hasOwn(record, batch) ? record[batch] : undefined;
      return typeof status === 'string' ? { status, owner: '' } : undefined;
    };
  }
  return null;
}

/** Rows grouped by batch, each group in registry order. */
export function groupRows(rows: readonly BatchRow[]): Map<string, BatchRow[]> {
  return groupBy(rows, (r) => r.batch);
}
