import { RacetrackError } from '../../../core/errors.ts';

/** The placeholders an `--exec` template may use. */
export const PLACEHOLDERS = ['root', 'name', 'counters', 'prefix', 'count', 'registry', 'owner'] as const;

/**
 * Splits a command template into argv the way a shell splits words (single quotes, double quotes,
 * backslash escapes), but expands nothing: no variables, globs or pipes. A template that wants a
 * shell says so itself: `sh -c '…'`. Placeholders are checked here and filled per operation.
 */
export function parseArgvTemplate(template: string): string[] {
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
  if (quote !== null) throw new RacetrackError('EINVALID', `unterminated ${quote} quote in --exec template`, { template });
  if (inWord) words.push(word);
  if (words.length === 0) throw new RacetrackError('EINVALID', '--exec template is empty', { template });
  for (const w of words) {
    for (const m of w.matchAll(/\{([a-z]+)\}/g)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
        throw new RacetrackError('EINVALID', `unknown placeholder {${m[1]}} in --exec template; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`, { template });
      }
    }
  }
  return words;
}

/** Fills the placeholders of each word; a placeholder without a value is an error. */
export function fillArgv(words: readonly string[], values: Readonly<Record<string, string>>): string[] {
  return words.map((w) =>
    w.replace(/\{([a-z]+)\}/g, (_, key: string) => {
      const v = values[key];
      if (v === undefined) throw new RacetrackError('EINVALID', `placeholder {${key}} has no value for this scenario`, { placeholder: key });
      return v;
    }),
  );
}
