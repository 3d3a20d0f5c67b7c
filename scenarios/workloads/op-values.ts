// Reading what an operation recorded (its input and value): scenarios pass these to their checkers.

/** The number in an ID like `SEC-20`, or NaN. */
export function idNumber(id: string): number {
  const m = /-(\d+)$/.exec(id);
  return m === null ? Number.NaN : Number(m[1]);
}

/** Reads `value[key]` from an event value that may be anything. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
