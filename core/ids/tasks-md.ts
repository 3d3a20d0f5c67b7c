import { RacetrackError } from '../errors.ts';

/** What a scan of TASKS.md found: the highest number per known prefix, and how many IDs it saw. */
export interface TasksScan {
  /** Prefix → highest number seen. Prefixes never seen are absent. */
  readonly highest: Readonly<Record<string, number>>;
  /** How many known-prefix IDs were seen in all (counting repeats). */
  readonly seen: number;
}

/**
 * Finds task IDs like `SEC-19` anywhere in `text` (tables, lists, prose) and returns the highest
 * number per prefix. Only the given `prefixes` count: an ID under any other prefix (`FOO-3`, but
 * also `UTF-8` or `SHA-256`, which look the same) is ignored. An ID must stand as a word of its
 * own: not preceded by a letter, digit or `_` (so `XSEC-4` is not `SEC-4`), and its number not
 * followed by one (so `SEC-4a` is no ID). Leading zeros are read as the number (`SEC-007` is 7):
 * erring high only raises a counter, which is safe.
 *
 * `prefixes` must already be checked (see checkPrefixList). ECORRUPT for a number past 2^53.
 */
export function scanTasksMarkdown(text: string, prefixes: readonly string[], file = 'TASKS.md'): TasksScan {
  // Longest first, so that a prefix which begins another (DS, DSX) cannot shadow it.
  const alternatives = [...prefixes].sort((a, b) => b.length - a.length).join('|');
  const pattern = new RegExp(`(?<![A-Za-z0-9_])(${alternatives})-([0-9]+)(?![A-Za-z0-9_])`, 'g');
  const highest: Record<string, number> = {};
  let seen = 0;
  for (const m of text.matchAll(pattern)) {
    const prefix = m[1]!;
    const number = Number(m[2]);
    if (!Number.isSafeInteger(number)) {
      throw new RacetrackError('ECORRUPT', `${file} holds ${m[0]}, a number past 2^53`, { path: file, id: m[0] });
    }
    seen++;
    if (!Object.hasOwn(highest, prefix) || number > highest[prefix]!) highest[prefix] = number;
  }
  return { highest, seen };
}
