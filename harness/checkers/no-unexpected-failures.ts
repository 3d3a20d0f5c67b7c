import { pairOperations } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { guarded, plural, sample, settle } from './settle.ts';
import { stringField } from './unknown-value.ts';

export interface NoUnexpectedFailuresOptions {
  readonly f: string;
  /** Error codes that are legitimate outcomes (e.g. `ENOTFOUND` for a claim with no work). */
  readonly expected?: readonly string[];
}

/**
 * No unexpected failures: every `fail` op of `f` carries an expected error code (`value.error`).
 * This catches what uniqueness cannot see, e.g. the allocator's `EEXIST` when two workers raced
 * for one directory name: the loser failed instead of getting a duplicate. A fail without a
 * readable code is unexpected. `info` ops are not failures and are not judged. An ECOMPROMISED
 * found at the holder's check before its write (`stage: 'check'`) is always expected: the lock
 * stopped a holder that had lost it (paused, or stalled past its stale age) from publishing.
 * With no operation of `f` at all there is nothing to judge: unknown.
 */
export function noUnexpectedFailures(options: NoUnexpectedFailuresOptions): Checker {
  return guarded('no-unexpected-failures', batchChecker(noUnexpectedFailuresIncremental(options)));
}

/** no-unexpected-failures, fed iteration by iteration: it keeps counts per error code and a few examples. */
export function noUnexpectedFailuresIncremental(options: NoUnexpectedFailuresOptions): CheckerFactory {
  // EINJECTED: a command failed after the nemesis injected an error into its syscalls (--errors), as it should.
  const expected = new Set([...(options.expected ?? []), 'EINJECTED']);
  return () => {
    const examples: unknown[] = [];
    const codes: Record<string, number> = {};
    let attempted = 0;
    let failures = 0;
    let unexpected = 0;
    const feed = ({ history }: CheckInput): boolean => {
      const before = unexpected;
      const all = pairOperations(history).filter((op) => op.f === options.f);
      attempted += all.length;
      for (const op of all) {
        if (op.type !== 'fail') continue;
        failures++;
        const code = stringField(op.value, 'error');
        const name = code ?? '(none)';
        codes[name] = (codes[name] ?? 0) + 1;
        if (code !== undefined && (expected.has(code) || (code === 'ECOMPROMISED' && stringField(op.value, 'stage') === 'check'))) continue;
        unexpected++;
        sample(examples, { iteration: op.iteration, worker: op.worker, error: code ?? null, message: stringField(op.value, 'message') ?? null });
      }
      return unexpected > before;
    };
    const finish = (): CheckResult => {
      const verdict = settle(unexpected, 0, attempted);
      const message =
        verdict === 'fail'
          ? `${plural(unexpected, `${options.f} failure`)} with an unexpected error`
          : verdict === 'unknown'
            ? `nothing to judge: no ${options.f} was attempted`
            : `${plural(failures, `${options.f} failure`)} of ${plural(attempted, 'op')}, all expected`;
      return { checker: 'no-unexpected-failures', verdict, message, examples, stats: { attempted, failures, unexpected, codes } };
    };
    return { feed, finish };
  };
}
