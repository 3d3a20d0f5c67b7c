// GFM tables, as GitHub's cmark-gfm reads them. A table's header row is the last line of a
// paragraph: a line that starts another block (a heading, a list item, a quote, a fence, HTML) is
// that block, never a header, while any line that continues a paragraph may be one, even an
// indented or lazy one. The next line is the delimiter row, in the same container, with as many
// cells; it may not be a setext underline (`---`) or a list item (`- |`), which come first. Rows
// follow up to a blank line, an indented code line, a line that starts another block, or a line
// that holds no cell (a lone pipe). A row needs no pipe, so a line of prose right after a table
// is one of its rows.
import { isEmpty, isIndentedCode, lineContent, pushBlock, type BlockState } from './block-state.ts';
import { isAlignmentRow, parseRow } from '../table-row.ts';

/** How many cells a line's content holds as a table row: 0 for a blank line or a lone pipe. */
export function rowWidth(content: string): number {
  return /^\|?[ \t]*$/.test(content) ? 0 : parseRow(content, '', 0).cells.length;
}

/** How many columns a delimiter row (`|---|:-:|`) defines, or 0 when the content is not one. */
export function delimiterWidth(content: string): number {
  if (/^-+[ \t]*$/.test(content) || /^-[ \t]/.test(content)) return 0;
  const row = parseRow(content, '', 0);
  return isAlignmentRow(row) ? row.cells.length : 0;
}

/**
 * A table whose header row is `startLine`. Asked from a paragraph (`parentType` 'paragraph'), the
 * header is one of its lines; otherwise the line starts no other block (earlier rules took those)
 * and is not indented code.
 */
export function gfmTable(state: BlockState, startLine: number, endLine: number, silent: boolean): boolean {
  if (startLine + 2 > endLine) return false;
  if (state.parentType !== 'paragraph' && isIndentedCode(state, startLine)) return false;
  const delimiter = startLine + 1;
  if (state.sCount[delimiter]! < state.blkIndent || isIndentedCode(state, delimiter)) return false;
  const width = delimiterWidth(lineContent(state, delimiter));
  if (width === 0 || rowWidth(lineContent(state, startLine)) !== width) return false;
  if (silent) return true;
  const parent = state.parentType;
  state.parentType = 'table';
  let next = startLine + 2;
  for (; next < endLine; next++) {
    if (state.sCount[next]! < state.blkIndent || isEmpty(state, next) || isIndentedCode(state, next)) break;
    if (rowWidth(lineContent(state, next)) === 0) break;
    if (state.grammar.interrupt.blockquote.some((rule) => rule(state, next, endLine, true))) break;
  }
  state.parentType = parent;
  state.line = next;
  pushBlock(state, 'table', startLine, next);
  return true;
}
