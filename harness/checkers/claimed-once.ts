import { HELD_STATUSES } from '../../core/registry/claim-rules.ts';
import { pairOperations, type Operation } from '../history/history.ts';
import { collisionText } from '../../reports/collision-text.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult, type IterationSnapshot } from './checker.ts';
import { countCollisions, type Collision } from './collisions.ts';
import { byIteration, groupBy } from './group-by.ts';
import { batchRows, groupRows, initialRows, type BatchRow } from './registry-facts.ts';
import { guarded, nonZero, plural, sample, settle } from './settle.ts';
import { stringField } from './unknown-value.ts';

export interface ClaimedOnceOptions {
  /** The claim operation. Default `claim`. */
  readonly f?: string;
  /**
   * Statuses a claim may leave a batch in, used when neither the op (`value.to`) nor the snapshot
   * (`facts.target`) names one. Default the core's held statuses `d`, `O`, `i`.
   */
  readonly claimedStatuses?: readonly string[];
}

interface Claim {
  readonly op: Operation;
  readonly batch: string;
  readonly owner: string | null;
}

const ownerOf = (op: Operation) => stringField(op.value, 'owner') ?? stringField(op.input, 'owner') ?? null;
// Without a recorded owner, each worker counts as its own owner.
const identity = (c: Claim) => c.owner ?? `worker ${c.op.worker}`;

/**
 * Each batch is claimed by one owner (an owner may claim its own batch again, as the core resumes
 * held work: counted as `resumed`); a batch claimed by two or more is a value handed out more than
 * once, reported in `collisions` (its extra holders are its owners beyond the first, and what
 * the registry shows of it is part of that collision). The final registry agrees with the acknowledged claims:
 * each claimed batch is in the claimed status (`value.to`, else `facts.target`, else
 * `claimedStatuses`) and recorded, when an owner is recorded at all, to its claimer.
 *
 * Registry facts (per snapshot): `facts.batches` `{batch, status, owner?}[]` and `facts.initial`
 * (see `initialRows`). A batch that changed into a claimed status (or got an owner) that no
 * acknowledged claim explains is allowed only while `info` claims remain to explain it (one per
 * batch, and an owner recorded on it must be an info claim's owner); with no such info op it
 * fails, since a `fail` claim must not have happened. Without `facts.initial` every batch in a
 * claimed status counts as changed. A missing registry where claims were acknowledged, or
 * unreadable claim values, make an otherwise passing verdict unknown; so does a run in which no
 * claim was acknowledged at all (nothing to judge), unless the registry shows a claim nobody made.
 */
export function claimedOnce(options: ClaimedOnceOptions = {}): Checker {
  return guarded('claimed-once', batchChecker(claimedOnceIncremental(options)));
}

/** claimed-once, fed iteration by iteration: it remembers counts, a few examples and the collisions found. */
export function claimedOnceIncremental(options: ClaimedOnceOptions = {}): CheckerFactory {
  const f = options.f ?? 'claim';
  const defaultStatuses = options.claimedStatuses ?? HELD_STATUSES;
  return () => {
    const examples: unknown[] = [];
    const n = { claims: 0, resumed: 0, explainedByInfo: 0, otherViolations: 0, malformed: 0, unchecked: 0 };
    const found: Collision[] = [];
    let attempted = 0;
    let iterationCount = 0;
    const feed = ({ history, snapshots }: CheckInput): boolean => {
      const before = found.length + n.otherViolations + n.malformed + n.unchecked;
      const ops = pairOperations(history).filter((op) => op.f === f);
      attempted += ops.length;
      const snapshotOf = new Map<number, IterationSnapshot>(snapshots.map((s) => [s.iteration, s]));
      const opsByIteration = new Map(byIteration(ops));
      const iterations = new Set([...opsByIteration.keys(), ...snapshotOf.keys()]);
      iterationCount += iterations.size;
      for (const iteration of [...iterations].sort((a, b) => a - b)) {
        const mine = opsByIteration.get(iteration) ?? [];
        const claims: Claim[] = [];
        for (const op of mine) {
          if (op.type !== 'ok') continue;
          const batch = stringField(op.value, 'batch');
          if (batch === undefined) n.malformed++;
          else claims.push({ op, batch, owner: ownerOf(op) });
        }
        n.claims += claims.length;
        const claimsOf = groupBy(claims, (c) => c.batch);
        const collided = new Set<string>();
        for (const [batch, list] of claimsOf) {
          const owners = new Set(list.map(identity));
          n.resumed += list.length - owners.size;
          if (owners.size < 2) continue;
          found.push({ iteration, holders: owners.size });
          collided.add(batch);
          sample(examples, { iteration, batch, problem: 'claimed by more than one owner', claims: list.map((c) => ({ worker: c.op.worker, owner: c.owner, at: c.op.completeTime })) });
        }
        const facts = snapshotOf.get(iteration)?.facts;
        if (facts === undefined || batchRows(facts) === null) {
          n.unchecked++;
          continue;
        }
        judgeRegistry({ iteration, claimsOf, collided, info: mine.filter((op) => op.type === 'info'), facts, defaultStatuses }, n, examples);
      }
      return found.length + n.otherViolations + n.malformed + n.unchecked > before;
    };
    const finish = (): CheckResult => {
      const collisions = countCollisions(found, n.otherViolations);
      const verdict = settle(found.length + n.otherViolations, n.malformed + n.unchecked, n.claims);
      const message =
        verdict === 'fail'
          ? [
              ...(found.length > 0 ? [`${collisionText(collisions)} in ${collisions.iterations} of ${plural(iterationCount, 'iteration')}: batches claimed by more than one owner`] : []),
              ...(n.otherViolations > 0 ? [`${plural(n.otherViolations, 'batch', 'batches')} lost or claimed without acknowledgement`] : []),
            ].join('; ')
          : n.malformed + n.unchecked > 0
            ? `no double claims seen, but: ${nonZero([n.malformed, plural(n.malformed, 'unreadable claim')], [n.unchecked, `${plural(n.unchecked, 'iteration')} without a readable registry`])}`
            : verdict === 'unknown'
              ? `nothing to judge: no claim was acknowledged (${plural(attempted, `${f} op`)})`
              : `${plural(n.claims, 'claim')}, each batch to one owner and recorded as claimed` +
                (n.explainedByInfo > 0 ? `; ${plural(n.explainedByInfo, 'unacknowledged claim')} explained by info ops` : '');
      return { checker: 'claimed-once', verdict, message, examples, collisions, stats: n };
    };
    return { feed, finish };
  };
}

interface RegistryCase {
  readonly iteration: number;
  readonly claimsOf: ReadonlyMap<string, readonly Claim[]>;
  /** Batches claimed by more than one owner: whatever the registry shows of them is that collision. */
  readonly collided: ReadonlySet<string>;
  readonly info: readonly Operation[];
  readonly facts: Readonly<Record<string, unknown>>;
  readonly defaultStatuses: readonly string[];
}

/** Compares one iteration's final registry with its claims; adds what disagrees to `n` and `examples`. */
function judgeRegistry(c: RegistryCase, n: { explainedByInfo: number; otherViolations: number }, examples: unknown[]): void {
  const { iteration, claimsOf, facts } = c;
  const finalOf = groupRows(batchRows(facts) ?? []);
  const target = stringField(facts, 'target');
  const looksClaimed = target === undefined ? c.defaultStatuses : [target];
  for (const [batch, list] of claimsOf) {
    const last = list.reduce((a, b) => (b.op.completeTime > a.op.completeTime ? b : a));
    const to = stringField(last.op.value, 'to');
    const expected = to !== undefined ? [to] : looksClaimed;
    const found = finalOf.get(batch) ?? [];
    const held = found.filter((r) => expected.includes(r.status));
    const stranger = held.find((r) => last.owner !== null && r.owner !== '' && r.owner !== last.owner);
    const problem =
      found.length === 0
        ? 'claimed batch is not in the registry'
        : held.length === 0
          ? `claimed batch is not in ${expected.join('/')}`
          : stranger !== undefined
            ? 'claimed batch is recorded to another owner'
            : null;
    if (problem === null) continue;
    if (!c.collided.has(batch)) n.otherViolations++;
    sample(examples, { iteration, batch, problem, claimedBy: last.owner, worker: last.op.worker, registry: found });
  }
  const infoOwners = new Set(c.info.map(ownerOf));
  let budget = c.info.length;
  const initial = initialRows(facts);
  for (const [batch, list] of finalOf) {
    if (claimsOf.has(batch)) continue;
    const changed = list.filter((r: BatchRow, i) => {
      const before = initial?.(batch, i);
      const differs = before === undefined || before.status !== r.status || before.owner !== r.owner;
      return differs && (looksClaimed.includes(r.status) || r.owner !== '');
    });
    if (changed.length === 0) continue;
    const owner = changed.find((r) => r.owner !== '')?.owner;
    // Each info claim may have claimed one batch, and only for its own owner.
    if (budget > 0 && (owner === undefined || infoOwners.has(owner) || infoOwners.has(null))) {
      budget--;
      n.explainedByInfo++;
      continue;
    }
    n.otherViolations++;
    sample(examples, { iteration, batch, problem: 'claimed in the registry but never acknowledged', registry: list });
  }
}
