import { RacetrackError } from '../errors.ts';
import { registryCell, type RegistryTable } from './table.ts';

/** The registry's status values, in the order of the status flow `- → B → d → D → O → i → I → Q`. */
export const STATUSES = ['-', 'B', 'd', 'D', 'O', 'i', 'I', 'Q'] as const;

/**
 * A site's status: `-` registered, `B` in a design batch, `d` design in progress, `D` design done,
 * `O` ready for implement, `i` implement in progress, `I` implement complete, `Q` finished.
 */
export type Status = (typeof STATUSES)[number];

/** One data row of the registry, read and checked. */
export interface RegistryEntry {
  /** Index among the table's data rows (not the file's line number). */
  readonly row: number;
  /** 1-based line number in the file, for error messages. */
  readonly line: number;
  readonly domain: string;
  /** '' for a site that is not in a batch. */
  readonly batch: string;
  readonly status: Status;
  /** '' when no owner is recorded (or the table has no Owner column). */
  readonly owner: string;
  /** Wall-clock ms of the recorded claim, or null when none is recorded. */
  readonly claimedAt: number | null;
}

// Strict ISO 8601 with a zone, as `Date.prototype.toISOString` writes it: `Date.parse` alone
// accepts local-time forms whose meaning depends on the reader's time zone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether `value` is one of the registry's status values. */
export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

/** Parses a Claimed cell: null when empty, wall-clock ms when a zoned ISO time, else undefined. */
export function parseClaimedAt(value: string): number | null | undefined {
  if (value === '') return null;
  if (!ISO_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Reads every data row of the registry. Throws ECORRUPT (naming the line) for a status that is
 * not one of `- B d D O i I Q`, or a Claimed cell that is neither empty nor an ISO time with a
 * zone: the claimer refuses to guess about a row it might hand out.
 */
export function readEntries(table: RegistryTable): RegistryEntry[] {
  const { columns } = table;
  return table.rows.map((tableRow, row) => {
    const status = registryCell(table, row, columns.status);
    if (!isStatus(status)) {
      throw new RacetrackError('ECORRUPT', `registry line ${tableRow.line}: status ${JSON.stringify(status)} is not one of ${STATUSES.join(' ')}`, {
        line: tableRow.line,
        status,
      });
    }
    const claimedText = columns.claimed === null ? '' : registryCell(table, row, columns.claimed);
    const claimedAt = parseClaimedAt(claimedText);
    if (claimedAt === undefined) {
      throw new RacetrackError('ECORRUPT', `registry line ${tableRow.line}: Claimed ${JSON.stringify(claimedText)} is not an ISO time with a zone`, {
        line: tableRow.line,
        claimed: claimedText,
      });
    }
    return {
      row,
      line: tableRow.line,
      domain: registryCell(table, row, columns.domain),
      batch: registryCell(table, row, columns.batch),
      status,
      owner: columns.owner === null ? '' : registryCell(table, row, columns.owner),
      claimedAt,
    };
  });
}

/** How many rows have each status (every status present, zero included). */
export function countStatuses(entries: readonly RegistryEntry[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const e of entries) counts[e.status]++;
  return counts;
}

/** The batches in order of their first row, each with its rows. Rows without a batch are left out. */
export function groupBatches(entries: readonly RegistryEntry[]): Map<string, RegistryEntry[]> {
  const batches = new Map<string, RegistryEntry[]>();
  for (const e of entries) {
    if (e.batch === '') continue;
    const rows = batches.get(e.batch);
    if (rows === undefined) batches.set(e.batch, [e]);
    else rows.push(e);
  }
  return batches;
}
