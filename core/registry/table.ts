import { RacetrackError } from '../errors.ts';
import { scanBlocks } from './markdown/blocks.ts';
import { splitLines } from './markdown/lines.ts';
import { locateColumns, missingColumns, OWNER_COLUMNS, REQUIRED_COLUMNS, type RegistryColumns } from './columns.ts';
import { registryNotFound } from './not-found.ts';
import { cellValue, parseRow, renderRow, withCell, withInsertedCells, type TableRow } from './table-row.ts';

// Which table is the registry: the first table Markdown renders as a table of the document itself
// (CommonMark with GitHub's table extension, see markdown-blocks.ts) whose header names Domain,
// Batch and Status. A table inside a comment, an HTML block or a code block is text nobody sees as
// a table, and one inside a block quote or a list item is not the document's: neither is claimed
// from. The table spans the lines GitHub shows as its rows, up to a blank line or the start of
// another block, so prose right below a table (with or without a pipe) is one of its rows.

/** A registry file cut around its table. `before + header + alignment + rows + after` is the file. */
export interface RegistryTable {
  readonly before: string;
  readonly header: TableRow;
  readonly alignment: TableRow;
  readonly rows: readonly TableRow[];
  readonly after: string;
  readonly columns: RegistryColumns;
}

/**
 * Cuts `text` around its registry table (see the rule above). Throws EINVALID when no table has
 * Domain, Batch and Status columns (saying where such a table is if Markdown does not render it
 * as the document's), or a header names one of the registry's columns twice.
 * `renderRegistry(parseRegistry(text)) === text` for every text that parses.
 */
export function parseRegistry(text: string): RegistryTable {
  const lines = splitLines(text);
  const blocks = scanBlocks(lines);
  let nearest: string[] | null = null;
  for (const table of blocks) {
    if (table.kind !== 'table' || table.depth > 0) continue;
    const row = (i: number) => parseRow(lines[i]!.text, lines[i]!.eol, i + 1);
    const header = row(table.start);
    const columns = locateColumns(header);
    if (columns === null) {
      const missing = missingColumns(header);
      if (missing.length < REQUIRED_COLUMNS.length && nearest === null) nearest = missing;
      continue;
    }
    const rows = lines.slice(table.start + 2, table.end).map((_, k) => row(table.start + 2 + k));
    const afterStart = table.end < lines.length ? lines[table.end]!.start : text.length;
    return { before: text.slice(0, lines[table.start]!.start), header, alignment: row(table.start + 1), rows, after: text.slice(afterStart), columns };
  }
  throw registryNotFound(lines, blocks, nearest);
}

/** The file text again: unchanged rows byte for byte, changed rows rebuilt cell by cell. */
export function renderRegistry(table: RegistryTable): string {
  return table.before + renderRow(table.header) + renderRow(table.alignment) + table.rows.map(renderRow).join('') + table.after;
}

/** The value of cell `column` of data row `row` (trimmed, `\|` unescaped; '' past the row's end). */
export function registryCell(table: RegistryTable, row: number, column: number): string {
  const r = table.rows[row];
  if (r === undefined) throw new RacetrackError('EINVALID', `registry has no data row ${row}`, { row });
  return cellValue(r, column);
}

/** The table with one data row's cell set; every other row is the same object as before. */
export function setRegistryCell(table: RegistryTable, row: number, column: number, value: string): RegistryTable {
  const r = table.rows[row];
  if (r === undefined) throw new RacetrackError('EINVALID', `registry has no data row ${row}`, { row });
  const rows = [...table.rows];
  rows[row] = withCell(r, column, value);
  return { ...table, rows };
}

/**
 * The table with Owner and Claimed columns, adding whichever is absent at the end of the header
 * (the alignment row gets `---` cells, each data row empty cells). Unchanged if both are there.
 */
export function withOwnerColumns(table: RegistryTable): RegistryTable {
  const absent = OWNER_COLUMNS.filter((name) => (name === 'Owner' ? table.columns.owner : table.columns.claimed) === null);
  if (absent.length === 0) return table;
  const at = table.header.cells.length;
  // New cells follow the row's own spacing, judged by its last cell: `| --- |` or `|---|`.
  const styled = (row: TableRow, text: string) => (/^\s/.test(row.cells[at - 1] ?? ' ') ? ` ${text} ` : text);
  const index = (name: string) => at + absent.indexOf(name as (typeof OWNER_COLUMNS)[number]);
  return {
    ...table,
    header: withInsertedCells(
      table.header,
      at,
      absent.map((name) => styled(table.header, name)),
    ),
    alignment: withInsertedCells(
      table.alignment,
      at,
      absent.map(() => styled(table.alignment, '---')),
    ),
    rows: table.rows.map((row) =>
      withInsertedCells(
        row,
        at,
        absent.map(() => ' '),
      ),
    ),
    columns: {
      ...table.columns,
      owner: table.columns.owner ?? index('Owner'),
      claimed: table.columns.claimed ?? index('Claimed'),
    },
  };
}
