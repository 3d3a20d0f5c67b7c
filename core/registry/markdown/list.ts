// Lists: items that start with a bullet (`-`, `+`, `*`) or an ordered marker (up to 9 digits and
// `.` or `)`), followed by a space, a tab or the end of the line. Each item's content is rescanned
// at the item's indent, so the lines of an item (and the tables in them) belong to the list. A
// list may interrupt a paragraph only with a non-empty item, and an ordered one only from 1.
import { isEmpty, isIndentedCode, isSpace, pushBlock, skipSpaces, type BlockState } from './block-state.ts';

/** Offset after a bullet marker on `line`, or -1. */
function bulletEnd(state: BlockState, line: number): number {
  const max = state.eMarks[line]!;
  let pos = state.bMarks[line]! + state.tShift[line]!;
  const marker = state.src.charCodeAt(pos++);
  if (marker !== 0x2a && marker !== 0x2d && marker !== 0x2b) return -1;
  return pos < max && !isSpace(state.src.charCodeAt(pos)) ? -1 : pos;
}

/** Offset after an ordered marker (`1.`, `12)`) on `line`, or -1. */
function orderedEnd(state: BlockState, line: number): number {
  const start = state.bMarks[line]! + state.tShift[line]!;
  const max = state.eMarks[line]!;
  let pos = start;
  if (pos + 1 >= max) return -1;
  let ch = state.src.charCodeAt(pos++);
  if (ch < 0x30 || ch > 0x39) return -1;
  for (;;) {
    if (pos >= max) return -1;
    ch = state.src.charCodeAt(pos++);
    if (ch >= 0x30 && ch <= 0x39) {
      if (pos - start >= 10) return -1;
      continue;
    }
    if (ch === 0x29 || ch === 0x2e) break;
    return -1;
  }
  return pos < max && !isSpace(state.src.charCodeAt(pos)) ? -1 : pos;
}

/** A list and the blocks inside its items. */
export function list(state: BlockState, startLine: number, endLine: number, silent: boolean): boolean {
  let next = startLine;
  if (isIndentedCode(state, next)) return false;
  // A line indented 4 past an enclosing list's indent, but less than this item's, is not an item.
  if (state.listIndent >= 0 && state.sCount[next]! - state.listIndent >= 4 && state.sCount[next]! < state.blkIndent) return false;
  const interrupting = silent && state.parentType === 'paragraph' && state.sCount[next]! >= state.blkIndent;
  let markerEnd = orderedEnd(state, next);
  const ordered = markerEnd >= 0;
  if (ordered) {
    const start = state.bMarks[next]! + state.tShift[next]!;
    if (interrupting && Number(state.src.slice(start, markerEnd - 1)) !== 1) return false;
  } else {
    markerEnd = bulletEnd(state, next);
    if (markerEnd < 0) return false;
  }
  if (interrupting && skipSpaces(state, markerEnd) >= state.eMarks[next]!) return false;
  if (silent) return true;
  const markerChar = state.src.charCodeAt(markerEnd - 1);
  const block = pushBlock(state, 'list', startLine, startLine);
  const oldParent = state.parentType;
  state.parentType = 'list';
  while (next < endLine) {
    const max = state.eMarks[next]!;
    const initial = state.sCount[next]! + markerEnd - (state.bMarks[next]! + state.tShift[next]!);
    let offset = initial;
    let pos = markerEnd;
    for (; pos < max; pos++) {
      const ch = state.src.charCodeAt(pos);
      if (ch === 0x09) offset += 4 - ((offset + state.bsCount[next]!) % 4);
      else if (ch === 0x20) offset++;
      else break;
    }
    const contentStart = pos;
    // An item's content starts 1 to 4 columns after its marker; more, and the rest is indented code.
    let indentAfterMarker = contentStart >= max ? 1 : offset - initial;
    if (indentAfterMarker > 4) indentAfterMarker = 1;
    const oldTShift = state.tShift[next]!;
    const oldSCount = state.sCount[next]!;
    const oldListIndent = state.listIndent;
    state.listIndent = state.blkIndent;
    state.blkIndent = initial + indentAfterMarker;
    state.tShift[next] = contentStart - state.bMarks[next]!;
    state.sCount[next] = offset;
    state.level += 2;
    // An item that starts with a blank line and has another after it is empty.
    if (contentStart >= max && isEmpty(state, next + 1)) state.line = Math.min(state.line + 2, endLine);
    else state.grammar.tokenize(state, next, endLine);
    state.level -= 2;
    state.blkIndent = state.listIndent;
    state.listIndent = oldListIndent;
    state.tShift[next] = oldTShift;
    state.sCount[next] = oldSCount;
    next = state.line;
    if (next >= endLine || state.sCount[next]! < state.blkIndent || isIndentedCode(state, next)) break;
    if (state.grammar.interrupt.list.some((rule) => rule(state, next, endLine, true))) break;
    markerEnd = ordered ? orderedEnd(state, next) : bulletEnd(state, next);
    if (markerEnd < 0 || state.src.charCodeAt(markerEnd - 1) !== markerChar) break;
  }
  block.end = next;
  state.line = next;
  state.parentType = oldParent;
  return true;
}
