// Code blocks, whose lines Markdown shows as text and never as tables: indented code (4 columns
// or more past the container's indent, running on across blank lines), and fenced code (a run of
// 3 or more backticks or tildes, indented at most 3 columns, up to a closing run of the same
// character at least as long, or else to the end of its container).
import { isEmpty, isIndentedCode, pushBlock, skipChars, skipSpaces, type BlockState } from './block-state.ts';

const BACKTICK = 0x60;
const TILDE = 0x7e;

/** Indented code. It cannot interrupt a paragraph (the paragraph rule takes such lines first). */
export function indentedCode(state: BlockState, startLine: number, endLine: number): boolean {
  if (!isIndentedCode(state, startLine)) return false;
  let last = startLine + 1;
  for (let next = startLine + 1; next < endLine; next++) {
    if (isEmpty(state, next)) continue;
    if (!isIndentedCode(state, next)) break;
    last = next + 1;
  }
  state.line = last;
  pushBlock(state, 'indented code block', startLine, last);
  return true;
}

/** Fenced code, closed or not. An info string after backticks may not hold a backtick. */
export function fencedCode(state: BlockState, startLine: number, endLine: number, silent: boolean): boolean {
  if (isIndentedCode(state, startLine)) return false;
  const src = state.src;
  const open = state.bMarks[startLine]! + state.tShift[startLine]!;
  const marker = src.charCodeAt(open);
  if (marker !== BACKTICK && marker !== TILDE) return false;
  const length = skipChars(state, open, marker) - open;
  if (length < 3) return false;
  if (marker === BACKTICK && src.slice(open + length, state.eMarks[startLine]).includes('`')) return false;
  if (silent) return true;
  let next = startLine + 1;
  let closed = false;
  for (; next < endLine; next++) {
    const pos = state.bMarks[next]! + state.tShift[next]!;
    const max = state.eMarks[next]!;
    // A non-blank line less indented than the container ends the container, and the fence with it.
    if (pos < max && state.sCount[next]! < state.blkIndent) break;
    if (src.charCodeAt(pos) !== marker || isIndentedCode(state, next)) continue;
    const after = skipChars(state, pos, marker);
    if (after - pos < length || skipSpaces(state, after) < max) continue;
    closed = true;
    break;
  }
  state.line = next + (closed ? 1 : 0);
  pushBlock(state, 'fenced code block', startLine, state.line);
  return true;
}
