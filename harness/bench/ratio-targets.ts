import type { RatioName } from './bench-types.ts';

/** DESIGN.md's performance targets: each ratio, which way is good, and its bound. */
export const RATIO_TARGETS: Readonly<Record<RatioName, { readonly atLeast: boolean; readonly bound: number }>> = {
  contendedVsSerial: { atLeast: true, bound: 0.8 },
  p99WaitOverFairShare: { atLeast: false, bound: 3 },
  vsProperLockfile: { atLeast: true, bound: 20 },
  vsSeedSpin: { atLeast: true, bound: 1.5 },
  harnessOverhead: { atLeast: false, bound: 1.5 },
};

/** Whether `value` meets the target of ratio `name`. */
export function meetsTarget(name: RatioName, value: number): boolean {
  const { atLeast, bound } = RATIO_TARGETS[name];
  return atLeast ? value >= bound : value <= bound;
}
