import { pairOperations, type Operation } from '../history/history.ts';
import type { Checker } from './checker.ts';
import { settle } from './settle.ts';

export interface TopicsMatchOptions {
  /** The operation that creates an entry (`allocate`). */
  readonly f: string;
  /** The entry (relative to the root, directories ending in `/`) an `ok` op must have created. */
  readonly entry: (op: Operation) => string;
  /** Whether an entry of the root is one such operations create. */
  readonly isEntry: (entry: string) => boolean;
}

/**
 * Every acknowledged operation's entry exists, and there are no more such entries than operations
 * that were acknowledged or whose outcome is unknown. No acknowledged operation and no entry is
 * nothing to judge: unknown.
 */
export function topicsMatch(options: TopicsMatchOptions): Checker {
  return ({ history, snapshots }) => {
    const examples: unknown[] = [];
    const byIteration = new Map(snapshots.map((s) => [s.iteration, new Set(s.entries)]));
    const ops = pairOperations(history).filter((o) => o.f === options.f);
    let observed = 0;
    for (const op of ops) {
      if (op.type !== 'ok') continue;
      observed++;
      const entry = options.entry(op);
      if (byIteration.get(op.iteration)?.has(entry) !== true) examples.push({ iteration: op.iteration, worker: op.worker, missing: entry });
    }
    for (const s of snapshots) {
      const acked = ops.filter((o) => o.iteration === s.iteration && o.type !== 'fail').length;
      const topics = s.entries.filter(options.isEntry).length;
      observed += topics;
      if (topics > acked) examples.push({ iteration: s.iteration, topics, acknowledgedOrUnknown: acked });
    }
    const verdict = settle(examples.length, 0, observed);
    return {
      checker: 'topics-match',
      verdict,
      message:
        verdict === 'fail'
          ? `${examples.length} allocations without a matching directory, or directories nobody allocated`
          : verdict === 'unknown'
            ? 'nothing to judge: no allocation was acknowledged and no topic directory made'
            : 'every allocation has its directory',
      examples: examples.slice(0, 10),
    };
  };
}
