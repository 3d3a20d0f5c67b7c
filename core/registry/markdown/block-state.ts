// The state the block scanner works on, in the shape markdown-it's block parser uses (its rules are
// the model for ours, see markdown-blocks.ts): one string of lines joined by '\n', and per line
// where its content starts and how far it is indented. Container rules (block quotes, list items)
// move a line's start past their markers and rescan the lines inside them, then restore it.
import type { Line } from './lines.ts';

/** The kinds of block the scanner tells apart. */
export type BlockKind = 'paragraph' | 'heading' | 'thematic break' | 'fenced code block' | 'indented code block' | 'HTML block' | 'table' | 'blockquote' | 'list';

/** One block of a Markdown file: the lines it spans and how deep in containers it sits. */
export interface MarkdownBlock {
  readonly kind: BlockKind;
  /** 0-based index of its first line. */
  readonly start: number;
  /** 0-based index of the line after its last. */
  readonly end: number;
  /** 0 for a block of the document itself, else how many block quotes and list items hold it. */
  readonly depth: number;
  /** Where its content starts in its first line, past container markers and indentation. */
  readonly column: number;
}

/** Which construct is asking whether a line ends it; some rules answer differently by context. */
export type ParentType = 'root' | 'paragraph' | 'blockquote' | 'list' | 'table';

/**
 * A block rule. At `line` it says whether its block starts there; unless `silent`, it also records
 * the block and moves `state.line` past it.
 */
export type BlockRule = (state: BlockState, line: number, endLine: number, silent: boolean) => boolean;

/** The rules in the order they are tried, the rules that may end each construct, and the loop. */
export interface Grammar {
  readonly rules: readonly BlockRule[];
  readonly interrupt: { readonly paragraph: readonly BlockRule[]; readonly blockquote: readonly BlockRule[]; readonly list: readonly BlockRule[] };
  readonly tokenize: (state: BlockState, startLine: number, endLine: number) => void;
}

/** The scanner's state. Arrays are indexed by line; offsets point into `src`. */
export interface BlockState {
  readonly src: string;
  /** Where each line of the file begins in `src`. */
  readonly lineStarts: readonly number[];
  /** Where each line begins (past the markers of the containers being scanned). */
  readonly bMarks: number[];
  /** Where each line ends (its ending excluded). */
  readonly eMarks: number[];
  /** How many whitespace characters follow `bMarks` before the content. */
  readonly tShift: number[];
  /** The content's column (tabs to multiples of 4); -1 for a lazy continuation line. */
  readonly sCount: number[];
  /** Columns taken by container markers before `bMarks`, so tabs expand at the right stops. */
  readonly bsCount: number[];
  /** The indent a line needs to belong to the container being scanned. */
  blkIndent: number;
  line: number;
  lineMax: number;
  listIndent: number;
  parentType: ParentType;
  /** How many containers are open; stops runaway nesting. */
  level: number;
  readonly blocks: MarkdownBlock[];
  readonly grammar: Grammar;
}

/** Whether `code` is a space or a tab (the only whitespace that indents in Markdown). */
export function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** A fresh state over `lines`. A byte order mark at the start of the file is not content. */
export function createBlockState(lines: readonly Line[], grammar: Grammar): BlockState {
  const src = lines.map((l) => l.text).join('\n');
  const lineStarts: number[] = [];
  const state: BlockState = {
    src,
    lineStarts,
    bMarks: [],
    eMarks: [],
    tShift: [],
    sCount: [],
    bsCount: [],
    blkIndent: 0,
    line: 0,
    lineMax: lines.length,
    listIndent: -1,
    parentType: 'root',
    level: 0,
    blocks: [],
    grammar,
  };
  let begin = 0;
  lines.forEach((line, i) => {
    const start = i === 0 && line.text.startsWith('\uFEFF') ? 1 : begin;
    const end = begin + line.text.length;
    let pos = start;
    let column = 0;
    while (pos < end && isSpace(src.charCodeAt(pos))) {
      column += src.charCodeAt(pos) === 0x09 ? 4 - (column % 4) : 1;
      pos++;
    }
    lineStarts.push(begin);
    state.bMarks.push(start);
    state.eMarks.push(end);
    state.tShift.push(pos - start);
    state.sCount.push(column);
    state.bsCount.push(0);
    begin = end + 1;
  });
  // A sentinel line past the end, as rules look one line ahead.
  state.bMarks.push(src.length);
  state.eMarks.push(src.length);
  state.tShift.push(0);
  state.sCount.push(0);
  state.bsCount.push(0);
  return state;
}

/** Whether `line` holds nothing but whitespace (after its containers' markers). */
export function isEmpty(state: BlockState, line: number): boolean {
  return state.bMarks[line]! + state.tShift[line]! >= state.eMarks[line]!;
}

/** The first line from `from` on that is not empty, or `lineMax`. */
export function skipEmptyLines(state: BlockState, from: number): number {
  let line = from;
  while (line < state.lineMax && isEmpty(state, line)) line++;
  return line;
}

/** The first offset from `pos` on that is not a space or tab. */
export function skipSpaces(state: BlockState, pos: number): number {
  let p = pos;
  while (p < state.src.length && isSpace(state.src.charCodeAt(p))) p++;
  return p;
}

/** The first offset from `pos` on that is not `code`. */
export function skipChars(state: BlockState, pos: number, code: number): number {
  let p = pos;
  while (p < state.src.length && state.src.charCodeAt(p) === code) p++;
  return p;
}

/** A line's content: from its first non-whitespace character (past container markers) to its end. */
export function lineContent(state: BlockState, line: number): string {
  return state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!);
}

/** Whether the content of `line` is indented 4 or more columns past the current block's indent. */
export function isIndentedCode(state: BlockState, line: number): boolean {
  return state.sCount[line]! - state.blkIndent >= 4;
}

/** Records a block at the current depth and returns it, so a container can set its end later. */
export function pushBlock(state: BlockState, kind: BlockKind, start: number, end: number): { -readonly [K in keyof MarkdownBlock]: MarkdownBlock[K] } {
  const column = state.bMarks[start]! + state.tShift[start]! - state.lineStarts[start]!;
  const block = { kind, start, end, depth: state.level, column };
  state.blocks.push(block);
  return block;
}
