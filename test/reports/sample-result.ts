import type { CheckResult, CheckStats } from '../../harness/checkers/checker.ts';
import type { FaultTally, RunResult } from '../../harness/engine/run-result.ts';
import { collisionRateUpper95 } from '../../harness/stats/upper-bound.ts';

/** The faults of a run that killed and paused: every field set. */
export function sampleFaults(overrides: Partial<FaultTally> = {}): FaultTally {
  return { killRate: 0.1, pauseRate: 0.2, staleMs: 1000, kills: 3, killsAfterOperation: 0, killList: [], pauses: 2, pausesMissed: 0, faultedIterations: 4, killsPerSecond: 2.5, ...overrides };
}

/**
 * A clean run: allocate on core, 100 iterations × 10 workers, no collisions, two passing checks,
 * lock timings measured. Fields in `overrides` replace the sample's.
 */
export function sampleResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    verdict: 'pass',
    scenario: 'allocate',
    sut: 'core',
    iterations: 100,
    keep: [],
    workers: 10,
    isolation: 'thread',
    seed: 424242,
    maxCollisionRate: 0,
    staleMs: 5000,
    killRate: 0,
    pauseRate: 0,
    runtime: { name: 'node', version: '20.20.2' },
    operations: { attempted: 1000, ok: 1000, fail: 0, info: 0 },
    collisions: 0,
    extraHolders: 0,
    collidingIterations: 0,
    collisionRate: 0,
    collisionRateUpper95: collisionRateUpper95(0, 100),
    violations: [],
    checks: [check('uniqueness', 'pass', 'attempted 1000, acknowledged 1000, duplicated 0'), check('no-orphans', 'pass', 'no .tmp or .lock left behind')],
    notChecked: [],
    lockHold: { count: 1000, p50Ms: 0.0123, p99Ms: 0.5, maxMs: 2.25 },
    lockWait: { count: 1000, p50Ms: 1.5, p99Ms: 12.75, maxMs: 40 },
    wallMs: 1234.6,
    startedAt: '2026-02-19T18:00:00.000Z',
    outDir: '/tmp/racetrack/allocate-424242',
    ...overrides,
  };
}

/** The example a failing run's uniqueness check shows: every character a report must escape. */
export const NASTY_EXAMPLE = { id: '007|<dup> & "quoted" \'single\' `tick`', workers: [1, 2] } as const;

/**
 * The narrow-lock control caught: 3 of 100 iterations collided; the uniqueness check fails with
 * a nasty example, the gap check is unknown, the orphan check passes. Seven violations in all.
 */
export function failingResult(overrides: Partial<RunResult> = {}): RunResult {
  const violations = Array.from({ length: 7 }, (_, i) => ({
    checker: 'uniqueness',
    message: `id 00${i} allocated twice`,
    example: i === 0 ? NASTY_EXAMPLE : { id: `00${i}`, workers: [i, i + 1] },
  }));
  return sampleResult({
    verdict: 'fail',
    sut: 'allocate-narrow-lock',
    collisions: 7,
    extraHolders: 9,
    collidingIterations: 3,
    collisionRate: 0.03,
    collisionRateUpper95: collisionRateUpper95(3, 100),
    violations,
    checks: [
      check(
        'uniqueness',
        'fail',
        'duplicated 7 | 1000 acknowledged',
        violations.map((v) => v.example),
        { attempted: 1000, duplicated: 7 },
      ),
      check('gap-bound', 'unknown', 'too many info ops to bound gaps', [{ info: 12 }]),
      check('no-orphans', 'pass', 'no .tmp or .lock left behind'),
    ],
    ...overrides,
  });
}

/** A CheckResult in one line. */
export function check(checker: string, verdict: CheckResult['verdict'], message: string, examples: readonly unknown[] = [], stats?: CheckStats): CheckResult {
  return stats === undefined ? { checker, verdict, message, examples } : { checker, verdict, message, examples, stats };
}
