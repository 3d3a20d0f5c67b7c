import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countCollisions, failsOnCollisionsAlone, runCollisions } from '../../../harness/checkers/collisions.ts';
import { check } from '../../reports/sample-result.ts';

const withCollisions = (verdict: 'pass' | 'fail', values: number, extraHolders: number, iterations: number, otherViolations = 0) => ({
  ...check('c', verdict, 'm'),
  collisions: { values, extraHolders, iterations, otherViolations },
});

describe('collisions', () => {
  test('each value held more than once counts once, its extra holders each, its iteration once', () => {
    assert.deepEqual(
      countCollisions(
        [
          { iteration: 0, holders: 3 },
          { iteration: 0, holders: 2 },
          { iteration: 4, holders: 2 },
        ],
        1,
      ),
      { values: 3, extraHolders: 4, iterations: 2, otherViolations: 1 },
    );
  });

  test('the run takes the most any checker found, never the sum: two checkers seeing one duplicate count it once', () => {
    const acknowledged = withCollisions('fail', 15, 15, 15);
    const onDisk = withCollisions('fail', 15, 15, 15);
    assert.deepEqual(runCollisions([acknowledged, onDisk, check('no-orphans', 'pass', 'ok')]), { values: 15, extraHolders: 15, iterations: 15 });
    assert.deepEqual(runCollisions([withCollisions('fail', 3, 9, 2), withCollisions('fail', 4, 4, 1)]), { values: 4, extraHolders: 9, iterations: 2 });
    assert.deepEqual(runCollisions([check('x', 'pass', 'ok')]), { values: 0, extraHolders: 0, iterations: 0 });
  });

  test('only a check that fails through collisions alone may be tolerated', () => {
    assert.equal(failsOnCollisionsAlone(withCollisions('fail', 2, 2, 1)), true);
    assert.equal(failsOnCollisionsAlone(withCollisions('fail', 2, 2, 1, 1)), false, 'another violation beside them');
    assert.equal(failsOnCollisionsAlone(withCollisions('fail', 0, 0, 0, 3)), false, 'no collision at all');
    assert.equal(failsOnCollisionsAlone(check('lost-updates', 'fail', 'm')), false, 'a checker that does not look for them');
  });
});
