// The block structure of a Markdown file, as CommonMark with GitHub's table extension renders it:
// enough to tell which lines are a table nobody sees (in a comment, an HTML block, a code block),
// a table inside a quote or a list, or a table of the document itself. Inline content is not
// parsed. The rules follow markdown-it's block parser (whose CommonMark conformance the tests use
// as an oracle), with GitHub's cmark-gfm table rules where the two differ (see markdown-table.ts).
// Link reference definitions are read as paragraph text, as cmark-gfm does while it scans blocks.
import { blockquote } from './blockquote.ts';
import { createBlockState, isEmpty, skipEmptyLines, type BlockState, type Grammar, type MarkdownBlock } from './block-state.ts';
import { fencedCode, indentedCode } from './code-blocks.ts';
import { htmlBlock } from './html-block.ts';
import { atxHeading, paragraph, setextHeading, thematicBreak } from './leaf-blocks.ts';
import type { Line } from './lines.ts';
import { list } from './list.ts';
import { gfmTable } from './table.ts';

// Containers nested deeper than this swallow the rest of their lines, as in markdown-it, rather
// than overflow the stack.
const MAX_NESTING = 100;

function tokenize(state: BlockState, startLine: number, endLine: number): void {
  let line = startLine;
  while (line < endLine) {
    state.line = line = skipEmptyLines(state, line);
    if (line >= endLine || state.sCount[line]! < state.blkIndent) break;
    if (state.level >= MAX_NESTING) {
      state.line = endLine;
      break;
    }
    // The paragraph rule always matches, so some rule does.
    GRAMMAR.rules.some((rule) => rule(state, line, endLine, false));
    line = state.line;
    if (line < endLine && isEmpty(state, line)) state.line = ++line;
  }
}

// A table comes after the rules for blocks its header line could start (GitHub reads such a line
// as that block), and before the setext heading, which would otherwise read on past it.
const GRAMMAR: Grammar = {
  rules: [indentedCode, fencedCode, blockquote, thematicBreak, list, htmlBlock, atxHeading, gfmTable, setextHeading, paragraph],
  interrupt: {
    paragraph: [fencedCode, blockquote, thematicBreak, list, htmlBlock, atxHeading],
    blockquote: [fencedCode, blockquote, thematicBreak, list, htmlBlock, atxHeading],
    list: [fencedCode, blockquote, thematicBreak],
  },
  tokenize,
};

/** The blocks of the file cut into `lines`, containers before what they hold, in file order. */
export function scanBlocks(lines: readonly Line[]): MarkdownBlock[] {
  const state = createBlockState(lines, GRAMMAR);
  tokenize(state, 0, state.lineMax);
  return state.blocks;
}
