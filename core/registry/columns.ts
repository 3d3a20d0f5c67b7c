import { RacetrackError } from '../errors.ts';
import { cellValue, type TableRow } from './table-row.ts';

// Which columns make a table the registry: Domain, Batch and Status, named in its header in any
// order and case (cells compared trimmed). Owner and Claimed are the claimer's, optional.

/** Where the registry's columns are (0-based cell indexes); owner and claimed may be absent. */
export interface RegistryColumns {
  readonly domain: number;
  readonly batch: number;
  readonly status: number;
  readonly owner: number | null;
  readonly claimed: number | null;
}

/** The columns a registry table must have. */
export const REQUIRED_COLUMNS = ['Domain', 'Batch', 'Status'] as const;

/** The columns the claimer adds, in this order, at the end of the header, when they are absent. */
export const OWNER_COLUMNS = ['Owner', 'Claimed'] as const;

const KNOWN = [...REQUIRED_COLUMNS, ...OWNER_COLUMNS].map((c) => c.toLowerCase());

/** The first cell naming each known column, by lower-case name, and the names given again. */
function namedCells(header: TableRow): { found: Map<string, number>; twice: string[] } {
  const found = new Map<string, number>();
  const twice: string[] = [];
  header.cells.forEach((_, i) => {
    const name = cellValue(header, i).toLowerCase();
    if (!KNOWN.includes(name)) return;
    if (found.has(name)) twice.push(cellValue(header, i));
    else found.set(name, i);
  });
  return { found, twice };
}

/** The required columns a header does not name. */
export function missingColumns(header: TableRow): string[] {
  const { found } = namedCells(header);
  return REQUIRED_COLUMNS.filter((c) => !found.has(c.toLowerCase()));
}

/**
 * The registry's columns in `header`, or null when one of Domain, Batch and Status is missing.
 * Throws EINVALID when the header names one of the registry's columns twice.
 */
export function locateColumns(header: TableRow): RegistryColumns | null {
  const { found, twice } = namedCells(header);
  if (REQUIRED_COLUMNS.some((c) => !found.has(c.toLowerCase()))) return null;
  if (twice.length > 0) {
    throw new RacetrackError('EINVALID', `registry table header (line ${header.line}) names ${twice.join(', ')} twice`, { line: header.line, columns: twice });
  }
  return {
    domain: found.get('domain')!,
    batch: found.get('batch')!,
    status: found.get('status')!,
    owner: found.get('owner') ?? null,
    claimed: found.get('claimed') ?? null,
  };
}
