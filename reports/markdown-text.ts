/**
 * Text for one GitHub-flavoured Markdown table cell: `|` escaped as `\|` (GFM splits cells on it
 * before anything else, code spans included), line breaks folded into spaces, blank as `—`.
 */
export function tableCell(text: string): string {
  const cell = text
    .replace(/\r\n|\r|\n/g, ' ')
    .replaceAll('|', '\\|')
    .trim();
  return cell === '' ? '—' : cell;
}

/** One table row from its cells, each passed through {@link tableCell}. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.map(tableCell).join(' | ')} |`;
}

/**
 * An inline code span that shows `text` verbatim: delimited by one more backtick than the longest
 * run inside, and padded with a space when the text starts or ends with a backtick. Line breaks
 * are folded into spaces, as Markdown would do anyway. Not for table cells (use tableCell on it).
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, ' ');
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced code block holding `text` verbatim: the fence is longer than any backtick run in it. */
export function codeBlock(text: string, info = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
