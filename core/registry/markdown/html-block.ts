// HTML blocks: raw HTML that Markdown passes through, so nothing inside one is a Markdown table.
// CommonMark's seven start conditions, each with its end condition (the line that contains the
// end closes the block; conditions 6 and 7 end before a blank line). Only conditions 1 to 6 may
// interrupt a paragraph or a block quote's lazy line; any of the seven ends a table.
import { isIndentedCode, lineContent, pushBlock, type BlockState } from './block-state.ts';

const BLOCK_TAGS = [
  'address',
  'article',
  'aside',
  'base',
  'basefont',
  'blockquote',
  'body',
  'caption',
  'center',
  'col',
  'colgroup',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'frame',
  'frameset',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'head',
  'header',
  'hr',
  'html',
  'iframe',
  'legend',
  'li',
  'link',
  'main',
  'menu',
  'menuitem',
  'nav',
  'noframes',
  'ol',
  'optgroup',
  'option',
  'p',
  'param',
  'search',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'title',
  'tr',
  'track',
  'ul',
];

const ATTRIBUTE = `\\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\\s*=\\s*(?:[^"'=<>\`\\x00-\\x20]+|'[^']*'|"[^"]*"))?`;
const OPEN_TAG = `<[A-Za-z][A-Za-z0-9\\-]*(?:${ATTRIBUTE})*\\s*\\/?>`;
const CLOSE_TAG = `<\\/[A-Za-z][A-Za-z0-9\\-]*\\s*>`;

/** Start and end of each condition, in CommonMark's order (condition n is index n - 1). */
const CONDITIONS: readonly (readonly [RegExp, RegExp])[] = [
  [/^<(script|pre|style|textarea)(?=(\s|>|$))/i, /<\/(script|pre|style|textarea)>/i],
  [/^<!--/, /-->/],
  [/^<\?/, /\?>/],
  [/^<![A-Za-z]/, />/],
  [/^<!\[CDATA\[/, /\]\]>/],
  [new RegExp(`^</?(${BLOCK_TAGS.join('|')})(?=(\\s|/?>|$))`, 'i'), /^$/],
  [new RegExp(`^(?:${OPEN_TAG}|${CLOSE_TAG})\\s*$`), /^$/],
];

/** Which start condition (1 to 7) a line's content meets, or 0 when it starts no HTML block. */
function htmlBlockCondition(content: string): number {
  if (!content.startsWith('<')) return 0;
  return CONDITIONS.findIndex(([start]) => start.test(content)) + 1;
}

/** An HTML block. Asked silently, it answers whether the line may end the construct asking. */
export function htmlBlock(state: BlockState, startLine: number, endLine: number, silent: boolean): boolean {
  if (isIndentedCode(state, startLine)) return false;
  const condition = htmlBlockCondition(lineContent(state, startLine));
  if (condition === 0) return false;
  // A table ends at any block start; a paragraph or a lazy line only at conditions 1 to 6.
  if (silent) return condition < 7 || state.parentType === 'table';
  const end = CONDITIONS[condition - 1]![1];
  const endsAtBlank = condition >= 6;
  let next = startLine + 1;
  if (!end.test(lineContent(state, startLine))) {
    for (; next < endLine; next++) {
      if (state.sCount[next]! < state.blkIndent && (endsAtBlank || lineContent(state, next) !== '')) break;
      const content = lineContent(state, next);
      if (end.test(content)) {
        if (content !== '') next++;
        break;
      }
    }
  }
  state.line = next;
  pushBlock(state, 'HTML block', startLine, next);
  return true;
}
