import { runChecker, type Checker, type CheckInput, type CheckResult, type Validity } from './checker.ts';

/** How many examples a result carries at most: enough to debug, few enough to read. */
export const MAX_EXAMPLES = 10;

/**
 * A checker's verdict from what it found, Jepsen style: any violation fails; otherwise, when it
 * observed nothing it judges (`observed` is 0: no acknowledged value, no hold, no claim), or had
 * any doubt (a malformed value, an `info` op that could explain or hide something, a missing
 * fact), it is unknown; otherwise it passes. A check that saw nothing never passes: a system
 * under test whose every operation failed must not read as a proven one.
 */
export function settle(violations: number, doubts: number, observed: number): Validity {
  if (violations > 0) return 'fail';
  return doubts > 0 || observed === 0 ? 'unknown' : 'pass';
}

/** Adds `example` to `examples` unless it already holds MAX_EXAMPLES. */
export function sample(examples: unknown[], example: unknown): void {
  if (examples.length < MAX_EXAMPLES) examples.push(example);
}

/** `check` made total: whatever it throws becomes an `unknown` result named `name` (see runChecker). */
export function guarded(name: string, check: Checker): Checker {
  return (input: CheckInput) => runChecker(name, check, input);
}

/** `n thing` or `n things`. */
export function plural(n: number, thing: string, things = `${thing}s`): string {
  return `${n} ${n === 1 ? thing : things}`;
}

/** The result of a snapshot checker given no snapshots: nothing was looked at, so nothing is proven. */
export function noSnapshots(checker: string): CheckResult {
  return { checker, verdict: 'unknown', message: 'no snapshots to check', examples: [] };
}

/** The descriptions whose count is not zero, joined with commas: `nonZero([2, '2 holds'], [0, '0 paths'])` is `2 holds`. */
export function nonZero(...parts: (readonly [number, string])[]): string {
  return parts
    .filter(([n]) => n !== 0)
    .map(([, text]) => text)
    .join(', ');
}
