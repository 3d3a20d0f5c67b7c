import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { collisionRateUpper95 } from '../../../harness/stats/upper-bound.ts';

const close = (actual: number, expected: number, relative = 1e-9): void => assert.ok(Math.abs(actual - expected) <= relative * expected, `${actual} is not within ${relative} of ${expected}`);

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space; small n only. An independent check. */
function binomialCdf(k: number, n: number, p: number): number {
  let logChoose = 0;
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    sum += Math.exp(logChoose + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return sum;
}

test('0 failures in 100 gives 1 - 0.05^(1/100), about 3%', () => {
  close(collisionRateUpper95(0, 100), 1 - 0.05 ** (1 / 100));
  close(collisionRateUpper95(0, 100), 0.0295130496);
});

test('0 failures in 1000 gives about 0.002991, just under the rule of three', () => {
  close(collisionRateUpper95(0, 1000), 0.002991249545);
  assert.ok(collisionRateUpper95(0, 1000) < 3 / 1000);
});

test('k > 0 matches the exact Clopper-Pearson bound (scipy beta.ppf(0.95, k+1, n-k))', () => {
  const reference: [number, number, number][] = [
    [1, 10, 0.39416330243650466],
    [5, 10, 0.7775588989918706],
    [1, 100, 0.046559811453538935],
    [3, 1000, 0.007735244718479458],
    [50, 100, 0.5863782853690882],
    [99, 100, 0.9994871985837377],
    [1000, 100000, 0.010533200900636332],
    [7, 1000000, 1.3148073384401915e-5],
  ];
  for (const [k, n, expected] of reference) close(collisionRateUpper95(k, n), expected);
});

test('all failures, or no trials, give 1', () => {
  assert.equal(collisionRateUpper95(100, 100), 1);
  assert.equal(collisionRateUpper95(1, 1), 1);
  assert.equal(collisionRateUpper95(0, 0), 1);
});

test('the bound rises with every extra failure', () => {
  const n = 60;
  const bounds = Array.from({ length: n + 1 }, (_, k) => collisionRateUpper95(k, n));
  for (let k = 1; k <= n; k++) assert.ok(bounds[k]! > bounds[k - 1]!, `bound(${k}) <= bound(${k - 1})`);
});

test('counts that are not 0 ≤ failures ≤ trials integers are a RangeError', () => {
  for (const [k, n] of [
    [-1, 10],
    [11, 10],
    [1.5, 10],
    [0, Number.NaN],
    [0, -1],
  ] as const) {
    assert.throws(() => collisionRateUpper95(k, n), RangeError);
  }
});

test('property: for any k ≤ n, k/n ≤ bound ≤ 1', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 100_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
      ([k, n]) => {
        const bound = collisionRateUpper95(k, n);
        assert.ok(k / n <= bound && bound <= 1, `bound(${k}, ${n}) = ${bound}`);
        if (k < n) assert.ok(bound > k / n);
      },
    ),
  );
});

test('property: at the bound, seeing k or fewer failures has probability 5%', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n))),
      ([k, n]) => {
        const cdf = binomialCdf(k, n, collisionRateUpper95(k, n));
        assert.ok(Math.abs(cdf - 0.05) < 1e-9, `P(X ≤ ${k}; ${n}) = ${cdf}`);
      },
    ),
  );
});
