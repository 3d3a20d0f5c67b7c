import { badOption, RacetrackError } from '../../../core/errors.ts';

/** The option `name` as a non-empty string, or EINVALID naming the flag that is missing. */
export function requireOption(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new RacetrackError('EINVALID', `missing required option ${name}`, { option: name });
  }
  return value;
}

/**
 * A decimal integer written as such (`"5"`, not `"5.0"`, `"0x5"`, `" 5"` or `"1e3"`) from `min`
 * (default 1) to `max` (default none), parsed; `fallback` when the option was not given. EINVALID
 * otherwise (core/errors.ts badOption).
 */
export function parseInteger(name: string, value: string | undefined, fallback: number, range: { readonly min?: number; readonly max?: number } = {}): number {
  if (value === undefined) return fallback;
  const { min = 1, max } = range;
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    throw badOption(name, value, max !== undefined ? `an integer from ${min} to ${max}` : min === 1 ? 'a positive integer' : `an integer of at least ${min}`);
  }
  return n;
}

/** A positive integer (see {@link parseInteger}); range limits beyond that are the primitive's business. */
export function parsePositiveInteger(name: string, value: string | undefined, fallback: number): number {
  return parseInteger(name, value, fallback);
}

/** A finite decimal number (`"0.2"`, `"1e-3"`), parsed; EINVALID otherwise. Its range is checked where it is used. */
export function parseNumber(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw badOption(name, value, 'a number');
  return n;
}

/** Returns `value` if it is one of `choices` (or `fallback` when not given), else EINVALID. */
export function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw badOption(name, value, `one of ${choices.join(', ')}`);
  }
  return value as T;
}
