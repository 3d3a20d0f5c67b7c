// A Markdown file as CommonMark reads it: lines ended by LF, CRLF or a lone CR. Each line keeps its
// own ending, so that a file cut into lines and joined again is the same file byte for byte.

/** One line of a text file. `text + eol` is the line as it was in the file. */
export interface Line {
  /** The line without its ending. */
  readonly text: string;
  /** The ending that followed it: '\n', '\r\n', a lone '\r', or '' on a last line without one. */
  readonly eol: string;
  /** Offset of the line's first character in the file. */
  readonly start: number;
}

const LINE_ENDING = /\r\n|\n|\r/g;

/** `text` cut into lines (none for ''); a final line ending does not start another line. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const m of text.matchAll(LINE_ENDING)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0], start });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '', start });
  return lines;
}
