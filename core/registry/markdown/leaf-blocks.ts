// The leaf blocks that matter to a table only by where they end: thematic breaks, ATX and setext
// headings, and paragraphs. A paragraph runs on over every non-blank line that starts no block
// able to interrupt it (indented and lazy lines included), and when one of its lines is followed
// by a delimiter row, that line becomes the header of a table and the paragraph ends before it.
import { isEmpty, isIndentedCode, isSpace, pushBlock, skipChars, skipSpaces, type BlockState } from './block-state.ts';
import { gfmTable } from './table.ts';

const HASH = 0x23;

/** A thematic break: 3 or more `*`, `-` or `_`, with nothing but spaces and tabs between them. */
export function thematicBreak(state: BlockState, startLine: number, _endLine: number, silent: boolean): boolean {
  if (isIndentedCode(state, startLine)) return false;
  const src = state.src;
  let pos = state.bMarks[startLine]! + state.tShift[startLine]!;
  const max = state.eMarks[startLine]!;
  const marker = src.charCodeAt(pos++);
  if (marker !== 0x2a && marker !== 0x2d && marker !== 0x5f) return false;
  let count = 1;
  for (; pos < max; pos++) {
    const ch = src.charCodeAt(pos);
    if (ch === marker) count++;
    else if (!isSpace(ch)) return false;
  }
  if (count < 3) return false;
  if (silent) return true;
  state.line = startLine + 1;
  pushBlock(state, 'thematic break', startLine, startLine + 1);
  return true;
}

/** An ATX heading: 1 to 6 `#` followed by a space, a tab or the end of the line. */
export function atxHeading(state: BlockState, startLine: number, _endLine: number, silent: boolean): boolean {
  if (isIndentedCode(state, startLine)) return false;
  const pos = state.bMarks[startLine]! + state.tShift[startLine]!;
  const max = state.eMarks[startLine]!;
  if (pos >= max || state.src.charCodeAt(pos) !== HASH) return false;
  const after = skipChars(state, pos, HASH);
  if (after - pos > 6 || (after < max && !isSpace(state.src.charCodeAt(after)))) return false;
  if (silent) return true;
  state.line = startLine + 1;
  pushBlock(state, 'heading', startLine, startLine + 1);
  return true;
}

/**
 * What ends a paragraph at `line`: 'block' when the line starts a block that may interrupt one,
 * 'table' when it is a table's header row, null when it continues the paragraph. The caller sets
 * `parentType` to 'paragraph', so list items and HTML answer as interrupters.
 */
function paragraphEnding(state: BlockState, line: number, endLine: number): 'block' | 'table' | null {
  const continuation = isIndentedCode(state, line) || state.sCount[line]! < 0;
  if (!continuation && state.grammar.interrupt.paragraph.some((rule) => rule(state, line, endLine, true))) return 'block';
  return gfmTable(state, line, endLine, true) ? 'table' : null;
}

/** A setext heading: paragraph lines underlined with a run of `=` or `-`. */
export function setextHeading(state: BlockState, startLine: number, endLine: number): boolean {
  if (isIndentedCode(state, startLine)) return false;
  const parent = state.parentType;
  state.parentType = 'paragraph';
  let next = startLine + 1;
  let underlined = false;
  for (; next < endLine && !isEmpty(state, next); next++) {
    if (!isIndentedCode(state, next) && state.sCount[next]! >= state.blkIndent) {
      const pos = state.bMarks[next]! + state.tShift[next]!;
      const marker = state.src.charCodeAt(pos);
      if ((marker === 0x2d || marker === 0x3d) && skipSpaces(state, skipChars(state, pos, marker)) >= state.eMarks[next]!) {
        underlined = true;
        break;
      }
    }
    if (paragraphEnding(state, next, endLine) !== null) break;
  }
  state.parentType = parent;
  if (!underlined) return false;
  state.line = next + 1;
  pushBlock(state, 'heading', startLine, next + 1);
  return true;
}

/** A paragraph, and the table that interrupts it, if one does. */
export function paragraph(state: BlockState, startLine: number, endLine: number): boolean {
  const parent = state.parentType;
  state.parentType = 'paragraph';
  let next = startLine + 1;
  let ending: 'block' | 'table' | null = null;
  for (; next < endLine && !isEmpty(state, next); next++) {
    ending = paragraphEnding(state, next, endLine);
    if (ending !== null) break;
  }
  pushBlock(state, 'paragraph', startLine, next);
  state.line = next;
  // The table takes the line the paragraph gave up as its header, whatever else that line could start.
  if (ending === 'table') gfmTable(state, next, endLine, false);
  state.parentType = parent;
  return true;
}
