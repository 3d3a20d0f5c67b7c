import { RacetrackError } from '../../../core/errors.ts';

/** The option `name` as a non-empty string, or EINVALID naming the flag that is missing. */
export function requireOption(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new RacetrackError('EINVALID', `missing required option ${name}`, { option: name });
  }
  return value;
}

/**
 * A positive decimal integer written as such (`"5"`, not `"5.0"`, `"0x5"`, `" 5"` or `"1e3"`),
 * parsed; `fallback` when the option was not given. EINVALID otherwise. Range limits are the
 * primitive's business.
 */
export function parsePositiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw new RacetrackError('EINVALID', `${name} must be a positive integer, got ${JSON.stringify(value)}`, { option: name, value });
  }
  return Number(value);
}

/** Returns `value` if it is one of `choices` (or `fallback` when not given), else EINVALID. */
export function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new RacetrackError('EINVALID', `${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`, { option: name, value });
  }
  return value as T;
}
