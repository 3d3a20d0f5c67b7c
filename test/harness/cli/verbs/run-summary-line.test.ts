// The one line `racetrack run` ends with on stderr: it says which checkers a verdict rests on, and
// gives a collision bound only where the bound says something.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckResult } from '../../../../harness/checkers/checker.ts';
import { summaryLine } from '../../../../harness/cli/verbs/run.ts';
import { collisionRateUpper95 } from '../../../../harness/stats/upper-bound.ts';
import { check, sampleResult } from '../../../reports/sample-result.ts';

/** A check that found `values` values held twice in `iterations` iterations, and nothing else wrong. */
const collided = (checker: string, values: number, iterations: number): CheckResult => ({
  ...check(checker, 'fail', `${values} values handed out more than once`),
  collisions: { values, extraHolders: values, iterations, otherViolations: 0 },
});

/** A reserve --exec run of 20 iterations with these checks, verdict and colliding iterations. */
const reserveRun = (verdict: 'pass' | 'fail' | 'unknown', checks: CheckResult[], colliding = 0, maxCollisionRate = 0) =>
  sampleResult({
    verdict,
    scenario: 'reserve',
    sut: 'exec',
    exec: './reserve.sh {counters} {prefix} {count}',
    iterations: 20,
    checks,
    collidingIterations: colliding,
    collisionRate: colliding / 20,
    collisionRateUpper95: collisionRateUpper95(colliding, 20),
    maxCollisionRate,
  });

describe('the verdict line on stderr', () => {
  test('a run that fails without collisions names the checkers that failed it', () => {
    const result = reserveRun('fail', [
      check('uniqueness', 'pass', 'ok'),
      check('no-orphans', 'fail', '2 orphans'),
      check('lost-updates', 'fail', '3 updates lost'),
      check('gap-bound', 'unknown', 'too many info ops'),
    ]);
    assert.equal(
      summaryLine(result, '/runs/r1'),
      'racetrack: FAIL reserve (exec): no-orphans, lost-updates; 0/20 iterations with collisions (the rate is below 13.9% at 95% confidence); 1.23 s; results in /runs/r1',
    );
  });

  test('an unknown verdict names the checkers that could not settle', () => {
    const result = reserveRun('unknown', [check('uniqueness', 'unknown', 'nothing to judge'), check('no-orphans', 'pass', 'none'), check('gap-bound', 'unknown', 'nothing to judge')]);
    assert.match(summaryLine(result, '/runs/r2'), /^racetrack: UNKNOWN reserve \(exec\): uniqueness, gap-bound; 0\/20 iterations with collisions \(/);
  });

  test('a pass names no checker', () => {
    assert.match(summaryLine(reserveRun('pass', [check('uniqueness', 'pass', 'ok')]), '/runs/r3'), /^racetrack: PASS reserve \(exec\): 0\/20 iterations with collisions \(the rate is below 13\.9% /);
  });

  test('when every iteration collided the line gives no upper bound, which would be 100%', () => {
    const line = summaryLine(reserveRun('fail', [collided('uniqueness', 40, 20)], 20), '/runs/r4');
    assert.equal(line, 'racetrack: FAIL reserve (exec): uniqueness; 20/20 iterations with collisions; 1.23 s; results in /runs/r4');
  });

  test('collisions within --max-collision-rate are not named as a cause; what else failed is', () => {
    const tolerated = [collided('uniqueness', 3, 3), check('counter-matches', 'pass', 'ok')];
    assert.match(summaryLine(reserveRun('pass', tolerated, 3, 0.5), '/r'), /^racetrack: PASS reserve \(exec\): 3\/20 iterations with collisions \(/);
    const withLoss = [collided('uniqueness', 3, 3), check('lost-updates', 'fail', '1 update lost')];
    assert.match(summaryLine(reserveRun('fail', withLoss, 3, 0.5), '/r'), /^racetrack: FAIL reserve \(exec\): lost-updates; 3\/20 iterations/);
    assert.match(
      summaryLine(reserveRun('fail', withLoss, 3, 0.1), '/r'),
      /^racetrack: FAIL reserve \(exec\): uniqueness, lost-updates; 3\/20 iterations/,
      'past the tolerated rate the collisions fail the run',
    );
  });

  test('the line stays one line', () => {
    const line = summaryLine(reserveRun('fail', [check('no-orphans', 'fail', 'a\nb')], 0), '/runs/r5');
    assert.ok(!line.includes('\n'), line);
  });
});
