import { RacetrackError } from '../errors.ts';

/** The prefixes the ID-reservation spec accepts, in its order: dev, design, marketing, operations. */
export const DEFAULT_PREFIXES: readonly string[] = Object.freeze(['SEC', 'PERF', 'UX', 'TEST', 'DEV', 'ARCH', 'FIN', 'DRY', 'DOC', 'DS', 'MKT', 'CNT', 'INFRA', 'OPS']);

/** What any prefix must look like: an upper-case letter, then upper-case letters or digits. */
export const PREFIX_PATTERN = /^[A-Z][A-Z0-9]{0,31}$/;

/** A task ID split into its parts: `SEC-20` → `{prefix: 'SEC', number: 20}`. */
export interface TaskId {
  readonly prefix: string;
  readonly number: number;
}

const CANONICAL_ID = /^([A-Z][A-Z0-9]{0,31})-([1-9][0-9]*)$/;

/**
 * Checks a configured prefix list: non-empty, every entry matching {@link PREFIX_PATTERN}.
 * Returns it without duplicates. EINVALID otherwise.
 */
export function checkPrefixList(prefixes: readonly unknown[] = DEFAULT_PREFIXES): readonly string[] {
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    throw new RacetrackError('EINVALID', 'the prefix list must be a non-empty array', { prefixes });
  }
  for (const p of prefixes) {
    if (typeof p !== 'string' || !PREFIX_PATTERN.test(p)) {
      throw new RacetrackError('EINVALID', `invalid prefix ${JSON.stringify(p)} in the prefix list: want ${PREFIX_PATTERN}`, { prefix: p });
    }
  }
  return [...new Set(prefixes as readonly string[])];
}

/**
 * Returns `prefix` if it is one of `prefixes` (exact, case-sensitive: `sec` is not `SEC`), else
 * throws EINVALID naming the valid ones, as the ID-reservation spec does.
 */
export function checkPrefix(prefix: unknown, prefixes: readonly string[]): string {
  if (typeof prefix !== 'string' || !prefixes.includes(prefix)) {
    throw new RacetrackError('EINVALID', `Invalid prefix ${JSON.stringify(prefix)}. Valid: ${prefixes.join(', ')}`, {
      prefix,
      valid: [...prefixes],
    });
  }
  return prefix;
}

/**
 * Parses an ID in the one form the reserver hands out, `PREFIX-N` with N ≥ 1 written without
 * leading zeros and within the safe integer range. null for anything else (`SEC-0`, `SEC-007`,
 * `sec-7`, ` SEC-7`). Whether the prefix is known is the caller's business.
 */
export function parseTaskId(id: unknown): TaskId | null {
  if (typeof id !== 'string') return null;
  const m = CANONICAL_ID.exec(id);
  if (m === null) return null;
  const number = Number(m[2]);
  return Number.isSafeInteger(number) ? { prefix: m[1]!, number } : null;
}

/** `formatTaskId('SEC', 20)` → `"SEC-20"`. */
export function formatTaskId(prefix: string, number: number): string {
  return `${prefix}-${number}`;
}
