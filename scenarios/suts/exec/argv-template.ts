import { RacetrackError } from '../../../core/errors.ts';

/** The placeholders an `--exec` (or `--setup`, `--recover`) template may use. */
export const PLACEHOLDERS = ['root', 'name', 'counters', 'prefix', 'count', 'registry', 'owner', 'file', 'payload', 'filter', 'lock', 'critical', 'staleMs'] as const;

/**
 * Splits a command template into argv the way a shell splits words (single quotes, double quotes,
 * backslash escapes), but expands nothing: no variables, globs or pipes. A template that wants a
 * shell says so itself: `sh -c '…'`. Placeholders are checked here and filled per operation.
 */
export function parseArgvTemplate(template: string, flag = '--exec'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < template.length && '"\\$`'.includes(template[i + 1]!)) word += template[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < template.length) {
      word += template[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== null) throw new RacetrackError('EINVALID', `unterminated ${quote} quote in ${flag} template`, { template });
  if (inWord) words.push(word);
  if (words.length === 0) throw new RacetrackError('EINVALID', `${flag} template is empty`, { template });
  for (const w of words) {
    // `{counters` at the end of a word, or before a space, with no `}` after it: a placeholder
    // whose `}` was forgotten (inline code that closes its brace later, awk's `{file = $1}`, is not).
    const open = UNCLOSED.exec(w);
    if (open !== null && !w.includes('}', open.index)) throw new RacetrackError('EINVALID', `unterminated placeholder {${open[1]} in ${flag} template (no closing })`, { template });
    for (const m of w.matchAll(PLACEHOLDER)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
        throw new RacetrackError('EINVALID', `unknown placeholder {${m[1]}} in ${flag} template; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`, { template });
      }
    }
  }
  return words;
}

/** A placeholder's name after its `{`, at the end of a word or before a space (see parseArgvTemplate). */
const UNCLOSED = new RegExp(`\\{(${PLACEHOLDERS.join('|')})(?=$|\\s)`);

/** A placeholder in a template word: `{name}`. */
export const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

/** The placeholders a template word uses, by name. */
export function placeholdersIn(word: string): string[] {
  return [...word.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Quotes `word` for a POSIX shell: the form `{critical}` takes inside a larger word (`sh -c '… {critical}'`). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Fills the placeholders of each word; a placeholder without a value is an error. A value given as
 * a list (an argv, as `{critical}` is) becomes that many words when it is a whole word, and its
 * shell-quoted words joined by spaces when it is part of one.
 */
export function fillArgv(words: readonly string[], values: Readonly<Record<string, string | readonly string[]>>): string[] {
  const lookUp = (key: string) => {
    const v = values[key];
    if (v === undefined) throw new RacetrackError('EINVALID', `placeholder {${key}} has no value for this scenario`, { placeholder: key });
    return v;
  };
  return words.flatMap((w) => {
    const whole = /^\{([a-zA-Z]+)\}$/.exec(w);
    if (whole !== null) {
      const v = lookUp(whole[1]!);
      return typeof v === 'string' ? [v] : [...v];
    }
    return [
      w.replace(PLACEHOLDER, (_, key: string) => {
        const v = lookUp(key);
        return typeof v === 'string' ? v : v.map(shellQuote).join(' ');
      }),
    ];
  });
}
