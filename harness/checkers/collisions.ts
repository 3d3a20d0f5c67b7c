import type { CheckResult, Collisions } from './checker.ts';

/** One value found held more than once: its iteration and how many held it (2 or more). */
export interface Collision {
  readonly iteration: number;
  readonly holders: number;
}

/** The Collisions of `found` (values held more than once), beside `otherViolations` of the checker's own. */
export function countCollisions(found: readonly Collision[], otherViolations: number): Collisions {
  return {
    values: found.length,
    extraHolders: found.reduce((n, c) => n + c.holders - 1, 0),
    iterations: new Set(found.map((c) => c.iteration)).size,
    otherViolations,
  };
}

/**
 * The run's collisions: the most any checker found of each count. Checkers that look for values
 * held twice see the same duplicates, each from its own side (an allocation acknowledged twice,
 * and the two directories it left), so adding them up would count one duplicate once per checker.
 */
export function runCollisions(checks: readonly CheckResult[]): Omit<Collisions, 'otherViolations'> {
  const most = (key: 'values' | 'extraHolders' | 'iterations') => Math.max(0, ...checks.map((c) => c.collisions?.[key] ?? 0));
  return { values: most('values'), extraHolders: most('extraHolders'), iterations: most('iterations') };
}

/**
 * A failing check that --max-collision-rate may excuse: everything it found wrong is a value held
 * twice, however it was detected (a duplicate ID, a batch claimed by two, two directories with one number).
 */
export function failsOnCollisionsAlone(check: CheckResult): boolean {
  return check.verdict === 'fail' && check.collisions !== undefined && check.collisions.values > 0 && check.collisions.otherViolations === 0;
}
