/**
 * The one-sided 95% upper confidence bound on a binomial proportion, exact (Clopper–Pearson):
 * the largest rate p at which seeing `failures` or fewer in `trials` still has probability ≥ 5%.
 * For 0 failures that is the closed form 1 − 0.05^(1/n), about 3/n (the rule of three); for
 * k > 0 it is the 0.95 quantile of Beta(k + 1, n − k), found by bisection on the regularized
 * incomplete beta function. The exact bound is conservative: its coverage is at least 95% for
 * every true rate, which is what a CI gate claiming "no more than x%" needs (Wilson is not).
 *
 * `trials = 0` → 1 (nothing is known); `failures = trials` → 1. Throws a RangeError for counts
 * that are not integers with 0 ≤ failures ≤ trials: that is a bug in the caller.
 */
export function collisionRateUpper95(failures: number, trials: number): number {
  if (!Number.isSafeInteger(failures) || !Number.isSafeInteger(trials) || failures < 0 || failures > trials) {
    throw new RangeError(`collisionRateUpper95: need integers 0 ≤ failures ≤ trials, got ${failures} of ${trials}`);
  }
  if (trials === 0 || failures === trials) return 1;
  // -expm1(ln(α)/n) is 1 − α^(1/n) without the cancellation of 1 − (something close to 1).
  if (failures === 0) return -Math.expm1(Math.log(ALPHA) / trials);
  const a = failures + 1;
  const b = trials - failures;
  let lo = failures / trials;
  let hi = 1;
  // I_p(a, b) rises with p; halve until the interval is one ulp wide, then keep the upper end.
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    if (regularizedBeta(mid, a, b) < 1 - ALPHA) lo = mid;
    else hi = mid;
  }
  return hi;
}

const ALPHA = 0.05;

/** I_x(a, b), the regularized incomplete beta function, for a, b ≥ 1 and 0 ≤ x ≤ 1. */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  // The continued fraction converges fast only on its own side of the mean; use the symmetry
  // I_x(a, b) = 1 − I_{1−x}(b, a) on the other side (Numerical Recipes §6.4).
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** Lentz's evaluation of the continued fraction for I_x(a, b); O(√max(a, b)) terms. */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const clamp = (v: number): number => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 / clamp(1 + even * d);
    c = clamp(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 / clamp(1 + odd * d);
    c = clamp(1 + odd / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** ln B(a, b) for a, b ≥ 1. */
function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x ≥ 1, Lanczos approximation (g = 7, 9 terms; ~15 significant digits). */
function logGamma(x: number): number {
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
