import { RacetrackError } from './errors.ts';
import { cellValue, hasPipe, isAlignmentRow, parseRow, renderRow, withCell, withInsertedCells, type TableRow } from './table-row.ts';

// Which table is the registry: the first GFM pipe table (outside fenced code blocks) whose header
// names Domain, Batch and Status, compared trimmed and case-insensitively. Earlier tables without
// all three are left alone as prose. A table is a header row, a delimiter row with exactly as many
// cells, and the rows after them that hold an unescaped pipe; it ends at the first line without
// one (blank or not), where GFM would still take a non-blank line as a one-cell row.

/** Where the registry's columns are (0-based cell indexes); owner and claimed may be absent. */
export interface RegistryColumns {
  readonly domain: number;
  readonly batch: number;
  readonly status: number;
  readonly owner: number | null;
  readonly claimed: number | null;
}

/** A registry file cut around its table. `before + header + alignment + rows + after` is the file. */
export interface RegistryTable {
  readonly before: string;
  readonly header: TableRow;
  readonly alignment: TableRow;
  readonly rows: readonly TableRow[];
  readonly after: string;
  readonly columns: RegistryColumns;
}

/** The columns a registry table must have. */
export const REQUIRED_COLUMNS = ['Domain', 'Batch', 'Status'] as const;

/** The columns the claimer adds, in this order, at the end of the header, when they are absent. */
export const OWNER_COLUMNS = ['Owner', 'Claimed'] as const;

interface Line {
  readonly text: string;
  readonly eol: string;
  readonly start: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const crlf = nl !== -1 && end > start && text[end - 1] === '\r';
    lines.push({ text: text.slice(start, crlf ? end - 1 : end), eol: nl === -1 ? '' : crlf ? '\r\n' : '\n', start });
    start = nl === -1 ? text.length : nl + 1;
  }
  return lines;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** For each line, whether it is inside (or opens or closes) a fenced code block. */
function fencedLines(lines: readonly Line[]): boolean[] {
  let open: string | null = null;
  return lines.map(({ text }) => {
    const m = FENCE.exec(text);
    if (open === null) {
      if (m !== null && !(m[1]![0] === '`' && text.slice(m[0].length).includes('`'))) open = m[1]!;
      return m !== null && open !== null;
    }
    if (m !== null && m[1]![0] === open[0] && m[1]!.length >= open.length && text.slice(m[0].length).trim() === '') open = null;
    return true;
  });
}

function locateColumns(header: TableRow): { columns: RegistryColumns | null; missing: string[] } {
  const found = new Map<string, number>();
  const twice: string[] = [];
  header.cells.forEach((_, i) => {
    const name = cellValue(header, i).toLowerCase();
    if (![...REQUIRED_COLUMNS, ...OWNER_COLUMNS].some((c) => c.toLowerCase() === name)) return;
    if (found.has(name)) twice.push(cellValue(header, i));
    else found.set(name, i);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !found.has(c.toLowerCase()));
  if (missing.length > 0) return { columns: null, missing };
  if (twice.length > 0) {
    throw new RacetrackError('EINVALID', `registry table header (line ${header.line}) names ${twice.join(', ')} twice`, { line: header.line, columns: twice });
  }
  return {
    columns: {
      domain: found.get('domain')!,
      batch: found.get('batch')!,
      status: found.get('status')!,
      owner: found.get('owner') ?? null,
      claimed: found.get('claimed') ?? null,
    },
    missing,
  };
}

/**
 * Cuts `text` around its registry table (see the rule above). Throws EINVALID when no table has
 * Domain, Batch and Status columns, or a header names one of the registry's columns twice.
 * `renderRegistry(parseRegistry(text)) === text` for every text that parses.
 */
export function parseRegistry(text: string): RegistryTable {
  const lines = splitLines(text);
  const fenced = fencedLines(lines);
  let nearest: string[] | null = null;
  for (let i = 0; i + 1 < lines.length; i++) {
    const [h, a] = [lines[i]!, lines[i + 1]!];
    if (fenced[i] || fenced[i + 1] || !hasPipe(h.text) || !hasPipe(a.text)) continue;
    const header = parseRow(h.text, h.eol, i + 1);
    const alignment = parseRow(a.text, a.eol, i + 2);
    if (!isAlignmentRow(alignment) || alignment.cells.length !== header.cells.length) continue;
    let end = i + 2;
    while (end < lines.length && hasPipe(lines[end]!.text)) end++;
    const { columns, missing } = locateColumns(header);
    if (columns === null) {
      if (missing.length < REQUIRED_COLUMNS.length && nearest === null) nearest = missing;
      i = end - 1;
      continue;
    }
    const rows = lines.slice(i + 2, end).map((l, k) => parseRow(l.text, l.eol, i + 3 + k));
    const afterStart = end < lines.length ? lines[end]!.start : text.length;
    return { before: text.slice(0, h.start), header, alignment, rows, after: text.slice(afterStart), columns };
  }
  const detail = nearest === null ? 'no Markdown table names them' : `the nearest table lacks ${nearest.join(', ')}`;
  throw new RacetrackError('EINVALID', `no registry table with Domain, Batch and Status columns: ${detail}`, {
    required: [...REQUIRED_COLUMNS],
    ...(nearest === null ? {} : { missing: nearest }),
  });
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
    header: withInsertedCells(table.header, at, absent.map((name) => styled(table.header, name))),
    alignment: withInsertedCells(table.alignment, at, absent.map(() => styled(table.alignment, '---'))),
    rows: table.rows.map((row) => withInsertedCells(row, at, absent.map(() => ' '))),
    columns: {
      ...table.columns,
      owner: table.columns.owner ?? index('Owner'),
      claimed: table.columns.claimed ?? index('Claimed'),
    },
  };
}
