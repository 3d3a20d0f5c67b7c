import type { Operation } from '../history/history.ts';

// History values come from workers, external scripts and JSON files: checkers read them only
// through these helpers, which never throw, so a malformed value is skipped and counted instead.

/** The property `name` of `value` when `value` is a non-null object; undefined otherwise. Never throws. */
export function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

/** `field(value, name)` when it is a string; undefined otherwise. */
export function stringField(value: unknown, name: string): string | undefined {
  const v = field(value, name);
  return typeof v === 'string' ? v : undefined;
}

/** `field(value, name)` when it is a finite number; undefined otherwise. */
export function numberField(value: unknown, name: string): number | undefined {
  const v = field(value, name);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Whether `x` is a string (a type guard for `listOf`). */
export function isString(x: unknown): x is string {
  return typeof x === 'string';
}

/** Whether `x` is a safe integer (a type guard for `listOf`). */
export function isInteger(x: unknown): x is number {
  return Number.isSafeInteger(x);
}

/**
 * Applies a scenario's accessor (`ids`, `numbers`) to `op`. Null when the accessor throws or
 * returns anything but an array whose every element passes `guard`: the caller counts the op as
 * malformed rather than guessing.
 */
export function listOf<T>(accessor: (op: Operation) => readonly unknown[], op: Operation, guard: (x: unknown) => x is T): T[] | null {
  try {
    const out = accessor(op);
    if (!Array.isArray(out)) return null;
    return out.every(guard) ? [...out] : null;
  } catch {
    return null;
  }
}

/** Applies a scenario's accessor that yields one value; null when it throws or `guard` rejects the result. */
export function oneOf<T>(accessor: (op: Operation) => unknown, op: Operation, guard: (x: unknown) => x is T): T | null {
  try {
    const out = accessor(op);
    return guard(out) ? out : null;
  } catch {
    return null;
  }
}

/** `value` as text for a message or example; never throws (an object whose conversion throws is `(unprintable)`). */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return '(unprintable)';
  }
}
