import { pairOperations } from '../history/history.ts';
import type { Checker } from './checker.ts';
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
  // EINJECTED: a command failed after the nemesis injected an error into its syscalls (--errors), as it should.
  const expected = new Set([...(options.expected ?? []), 'EINJECTED']);
  return guarded('no-unexpected-failures', ({ history }) => {
    const all = pairOperations(history).filter((op) => op.f === options.f);
    const ops = all.filter((op) => op.type === 'fail');
    const examples: unknown[] = [];
    const codes: Record<string, number> = {};
    let unexpected = 0;
    for (const op of ops) {
      const code = stringField(op.value, 'error');
      const name = code ?? '(none)';
      codes[name] = (codes[name] ?? 0) + 1;
      if (code !== undefined && (expected.has(code) || (code === 'ECOMPROMISED' && stringField(op.value, 'stage') === 'check'))) continue;
      unexpected++;
      sample(examples, { iteration: op.iteration, worker: op.worker, error: code ?? null, message: stringField(op.value, 'message') ?? null });
    }
    const verdict = settle(unexpected, 0, all.length);
    const message =
      verdict === 'fail'
        ? `${plural(unexpected, `${options.f} failure`)} with an unexpected error`
        : verdict === 'unknown'
          ? `nothing to judge: no ${options.f} was attempted`
          : `${plural(ops.length, `${options.f} failure`)} of ${plural(all.length, 'op')}, all expected`;
    return { checker: 'no-unexpected-failures', verdict, message, examples, stats: { attempted: all.length, failures: ops.length, unexpected, codes } };
  });
}
