import { pairOperations, type Operation } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult, type IterationSnapshot } from './checker.ts';
import { byIteration } from './group-by.ts';
import { guarded, nonZero, plural, sample, settle } from './settle.ts';
import { field, stringField } from './unknown-value.ts';

export interface ReadsValidOptions {
  /** Default `write`. */
  readonly write?: string;
  /** Default `read`. */
  readonly read?: string;
  /** The payload the target holds in a fresh root. Default `initial`. */
  readonly initial?: string;
}

const payloadOf = (op: Operation) => stringField(op.value, 'payload') ?? stringField(op.input, 'payload');

/**
 * Atomic replacement, seen from readers and from the end state. Per iteration: every acknowledged
 * read found one whole payload (`valid: true`) and that payload is one somebody may have written
 * (the initial one, or an `ok` or `info` write's: a `fail` write must not show); the snapshot's
 * `facts.finalValid` is true and `facts.finalPayload` is such a payload too. A read whose value
 * lacks a boolean `valid`, or an iteration with ops but no readable final facts, makes an
 * otherwise passing verdict unknown. So does a run in which no write was acknowledged: every read
 * then found the initial file, which proves nothing about atomic replacement.
 */
export function readsValid(options: ReadsValidOptions = {}): Checker {
  return guarded('reads-valid', batchChecker(readsValidIncremental(options)));
}

/** reads-valid, fed iteration by iteration: it remembers counts and a few examples. */
export function readsValidIncremental(options: ReadsValidOptions = {}): CheckerFactory {
  const write = options.write ?? 'write';
  const read = options.read ?? 'read';
  const initial = options.initial ?? 'initial';
  return () => {
    const examples: unknown[] = [];
    const n = { writes: 0, reads: 0, torn: 0, foreign: 0, violations: 0, malformed: 0, unchecked: 0 };
    const feed = ({ history, snapshots }: CheckInput): boolean => {
      const before = n.violations + n.malformed + n.unchecked;
      const ops = pairOperations(history).filter((op) => op.f === write || op.f === read);
      const opsOf = new Map(byIteration(ops));
      const snapshotOf = new Map<number, IterationSnapshot>(snapshots.map((s) => [s.iteration, s]));
      for (const iteration of [...new Set([...opsOf.keys(), ...snapshotOf.keys()])].sort((a, b) => a - b)) {
        const mine = opsOf.get(iteration) ?? [];
        const possible = new Set([initial]);
        for (const op of mine) {
          if (op.f === write && op.type === 'ok') n.writes++;
          const payload = op.f === write && op.type !== 'fail' ? payloadOf(op) : undefined;
          if (payload !== undefined) possible.add(payload);
        }
        for (const op of mine) {
          if (op.f !== read || op.type !== 'ok') continue;
          n.reads++;
          const valid = field(op.value, 'valid');
          const payload = stringField(op.value, 'payload');
          if (valid === false) {
            n.torn++;
            n.violations++;
            sample(examples, { iteration, worker: op.worker, at: op.completeTime, problem: 'read a torn file', payload: payload ?? null });
          } else if (valid !== true || payload === undefined) {
            n.malformed++;
          } else if (!possible.has(payload)) {
            n.foreign++;
            n.violations++;
            sample(examples, { iteration, worker: op.worker, at: op.completeTime, problem: 'read a payload nobody wrote', payload });
          }
        }
        const facts = snapshotOf.get(iteration)?.facts;
        const finalValid = field(facts, 'finalValid');
        const finalPayload = stringField(facts, 'finalPayload');
        if (finalValid === false) {
          n.violations++;
          sample(examples, { iteration, problem: 'final file is not one whole payload' });
        } else if (finalValid !== true || finalPayload === undefined) {
          n.unchecked++;
        } else if (!possible.has(finalPayload)) {
          n.violations++;
          sample(examples, { iteration, problem: 'final payload was never written (or its write failed)', payload: finalPayload });
        }
      }
      return n.violations + n.malformed + n.unchecked > before;
    };
    const finish = (): CheckResult => {
      const verdict = settle(n.violations, n.malformed + n.unchecked, n.writes);
      const message =
        verdict === 'fail'
          ? `${plural(n.violations, 'violation')}: ${nonZero([n.torn, plural(n.torn, 'torn read')], [n.foreign, `${plural(n.foreign, 'read')} of a payload nobody wrote`], [n.violations - n.torn - n.foreign, plural(n.violations - n.torn - n.foreign, 'bad final file')])}`
          : n.malformed + n.unchecked > 0
            ? `nothing torn seen, but: ${nonZero([n.malformed, plural(n.malformed, 'unreadable read')], [n.unchecked, `${plural(n.unchecked, 'iteration')} without readable final facts`])}`
            : verdict === 'unknown'
              ? `nothing to judge: no ${write} was acknowledged`
              : `${plural(n.writes, write)} and ${plural(n.reads, read)}, every read and every final file whole, each a payload somebody wrote`;
      return { checker: 'reads-valid', verdict, message, examples, stats: n };
    };
    return { feed, finish };
  };
}
