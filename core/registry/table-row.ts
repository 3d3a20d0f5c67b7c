// One line of a Markdown (GFM) pipe table, kept as the exact text it was read from, so that a row
// nobody changed renders back byte for byte and a changed row keeps its padding and pipes.

/**
 * A table row split on its unescaped pipes. Joining `prefix`, the pipes, `cells` and `suffix`
 * gives back the line exactly: `[prefix '|'] cells.join('|') ['|' suffix]`.
 */
export interface TableRow {
  /** Whitespace before the leading pipe; '' when the row has no leading pipe. */
  readonly prefix: string;
  readonly leadingPipe: boolean;
  /** Each cell's raw text, padding and escapes included. */
  readonly cells: readonly string[];
  readonly trailingPipe: boolean;
  /** Whitespace after the trailing pipe; '' when the row has no trailing pipe. */
  readonly suffix: string;
  /** The line ending that followed the row: '\r\n', '\n', a lone '\r', or '' on a last line without one. */
  readonly eol: string;
  /** 1-based line number in the file it was read from. */
  readonly line: number;
}

const ALIGNMENT_CELL = /^[ \t]*:?-+:?[ \t]*$/;

/**
 * Splits `text` on its pipes, except those right after a backslash: `\|` belongs to the cell, as
 * GitHub reads it, even after another backslash (`\\|` is a backslash and an escaped pipe).
 */
function splitPipes(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '|' && text[i - 1] !== '\\') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Parses one line (without its ending) as a table row. Leading and trailing pipes are optional. */
export function parseRow(text: string, eol: string, line: number): TableRow {
  const parts = splitPipes(text);
  const leadingPipe = parts.length > 1 && parts[0]!.trim() === '';
  const trailingPipe = parts.length > (leadingPipe ? 2 : 1) && parts[parts.length - 1]!.trim() === '';
  return {
    prefix: leadingPipe ? parts[0]! : '',
    leadingPipe,
    cells: parts.slice(leadingPipe ? 1 : 0, trailingPipe ? -1 : parts.length),
    trailingPipe,
    suffix: trailingPipe ? parts[parts.length - 1]! : '',
    eol,
    line,
  };
}

/** The row as text, its line ending included. */
export function renderRow(row: TableRow): string {
  const head = row.leadingPipe ? `${row.prefix}|` : '';
  const tail = row.trailingPipe ? `|${row.suffix}` : '';
  return `${head}${row.cells.join('|')}${tail}${row.eol}`;
}

/** Whether the row is a delimiter row (`| --- | :-: |`): every cell dashes with optional colons. */
export function isAlignmentRow(row: TableRow): boolean {
  return row.cells.length > 0 && row.cells.every((cell) => ALIGNMENT_CELL.test(cell));
}

/** A cell's value: its raw text trimmed, with `\|` unescaped. Other escapes are left as written. */
export function cellValue(row: TableRow, index: number): string {
  const raw = row.cells[index];
  return raw === undefined ? '' : raw.trim().replaceAll('\\|', '|');
}

/** `value` as cell text: pipes escaped. Callers keep backslashes and line breaks out of values. */
export function escapeCell(value: string): string {
  return value.replaceAll('|', '\\|');
}

/**
 * A new raw cell holding `value`, keeping the old cell's leading and trailing padding and, where
 * the new value is shorter, its width, so an aligned table stays aligned.
 */
function rewriteCell(raw: string, value: string, isLastOpen: boolean): string {
  const blank = raw.trim() === '';
  const lead = blank ? ' ' : /^\s*/.exec(raw)![0];
  const trail = blank ? (isLastOpen ? '' : ' ') : /\s*$/.exec(raw)![0];
  const text = `${lead}${escapeCell(value)}`;
  return `${text}${trail}${' '.repeat(Math.max(0, raw.length - text.length - trail.length))}`;
}

/**
 * The row with cell `index` set to `value`. A short row is first padded with empty cells so that
 * the cell exists; no other cell's text changes.
 */
export function withCell(row: TableRow, index: number, value: string): TableRow {
  const cells = padCells(row, index + 1);
  const isLastOpen = !row.trailingPipe && index === cells.length - 1;
  cells[index] = rewriteCell(cells[index]!, value, isLastOpen);
  return { ...row, cells };
}

/**
 * The row with `added` raw cells inserted at `at` (the header's width): a short row is padded to
 * `at` first, and cells beyond the header (which GFM ignores) stay after the new ones. A row
 * without a trailing pipe cannot end in an empty cell (a final `|` would read as that pipe), so
 * blank cells added at its end are left implicit: GFM reads a short row's missing cells as empty.
 */
export function withInsertedCells(row: TableRow, at: number, added: readonly string[]): TableRow {
  const tailOpen = !row.trailingPipe && row.cells.length <= at;
  const inserted = [...added];
  if (tailOpen) while (inserted.length > 0 && inserted[inserted.length - 1]!.trim() === '') inserted.pop();
  if (tailOpen && inserted.length === 0) return row;
  const cells = padCells(row, at);
  if (tailOpen) {
    if (!/\s$/.test(cells[at - 1]!)) cells[at - 1] = `${cells[at - 1]!} `;
    inserted[inserted.length - 1] = inserted[inserted.length - 1]!.trimEnd();
  }
  cells.splice(at, 0, ...inserted);
  return { ...row, cells };
}

function padCells(row: TableRow, length: number): string[] {
  const cells = [...row.cells];
  if (cells.length < length && !row.trailingPipe && cells.length > 0 && !/\s$/.test(cells[cells.length - 1]!)) {
    cells[cells.length - 1] = `${cells[cells.length - 1]!} `;
  }
  while (cells.length < length) cells.push(' ');
  return cells;
}
