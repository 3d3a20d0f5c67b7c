// Block quotes: lines starting with `>` (indented at most 3 columns), and the lazy lines after
// them that start no block able to end a quote. The quote's lines are rescanned past their
// markers as a document of their own, so a table inside one is a quoted table, not the file's.
import { isIndentedCode, pushBlock, type BlockState } from './block-state.ts';

const GT = 0x3e;

/** A block quote and the blocks inside it. */
export function blockquote(state: BlockState, startLine: number, endLine: number, silent: boolean): boolean {
  if (isIndentedCode(state, startLine)) return false;
  if (state.src.charCodeAt(state.bMarks[startLine]! + state.tShift[startLine]!) !== GT) return false;
  if (silent) return true;
  const saved: [number, number, number, number][] = [];
  const oldLineMax = state.lineMax;
  const oldParent = state.parentType;
  state.parentType = 'blockquote';
  let lastLineEmpty = false;
  let next = startLine;
  for (; next < endLine; next++) {
    const outdented = state.sCount[next]! < state.blkIndent;
    let pos = state.bMarks[next]! + state.tShift[next]!;
    const max = state.eMarks[next]!;
    if (pos >= max) break;
    saved.push([state.bMarks[next]!, state.bsCount[next]!, state.sCount[next]!, state.tShift[next]!]);
    if (state.src.charCodeAt(pos++) === GT && !outdented) {
      // The marker, then one optional space (or one column of a tab) that belongs to it.
      let initial = state.sCount[next]! + 1;
      let adjustTab = false;
      let spaceAfterMarker = false;
      const ch = state.src.charCodeAt(pos);
      if (ch === 0x20) {
        pos++;
        initial++;
        spaceAfterMarker = true;
      } else if (ch === 0x09) {
        spaceAfterMarker = true;
        if ((state.bsCount[next]! + initial) % 4 === 3) {
          pos++;
          initial++;
        } else adjustTab = true;
      }
      let offset = initial;
      state.bMarks[next] = pos;
      for (; pos < max; pos++) {
        const c = state.src.charCodeAt(pos);
        if (c === 0x09) offset += 4 - ((offset + state.bsCount[next]! + (adjustTab ? 1 : 0)) % 4);
        else if (c === 0x20) offset++;
        else break;
      }
      lastLineEmpty = pos >= max;
      state.bsCount[next] = state.sCount[next]! + 1 + (spaceAfterMarker ? 1 : 0);
      state.sCount[next] = offset - initial;
      state.tShift[next] = pos - state.bMarks[next]!;
      continue;
    }
    saved.pop();
    if (lastLineEmpty) break;
    if (state.grammar.interrupt.blockquote.some((rule) => rule(state, next, endLine, true))) {
      state.lineMax = next;
      if (state.blkIndent !== 0) {
        saved.push([state.bMarks[next]!, state.bsCount[next]!, state.sCount[next]!, state.tShift[next]!]);
        state.sCount[next]! -= state.blkIndent;
      }
      break;
    }
    // A lazy line: it can only continue a paragraph inside the quote.
    saved.push([state.bMarks[next]!, state.bsCount[next]!, state.sCount[next]!, state.tShift[next]!]);
    state.sCount[next] = -1;
  }
  const oldIndent = state.blkIndent;
  state.blkIndent = 0;
  const block = pushBlock(state, 'blockquote', startLine, next);
  state.level++;
  state.grammar.tokenize(state, startLine, next);
  state.level--;
  block.end = state.line;
  state.lineMax = oldLineMax;
  state.parentType = oldParent;
  saved.forEach(([b, bs, s, t], i) => {
    state.bMarks[startLine + i] = b;
    state.bsCount[startLine + i] = bs;
    state.sCount[startLine + i] = s;
    state.tShift[startLine + i] = t;
  });
  state.blkIndent = oldIndent;
  return true;
}
