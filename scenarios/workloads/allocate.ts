import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Checker } from '../../harness/checkers/checker.ts';
import { filesValid, gapBound, mutualExclusion, noOrphans, noUnexpectedFailures, realTimeOrder, uniqueness } from '../../harness/checkers/index.ts';
import { settle } from '../../harness/checkers/settle.ts';
import { pairOperations } from '../../harness/history/history.ts';
import { recoverFiles } from './recovery.ts';
import type { Scenario } from './workload.ts';
import { field, listEntries } from './snapshot.ts';

const TOPIC = /^(\d{3,})_(.+)\/$/;
const number = (op: { value: unknown }) => String(field(op.value, 'number'));

/**
 * Every acknowledged allocation's directory exists with its number; no topic directory is
 * unaccounted for. No acknowledged allocation and no topic directory is nothing to judge: unknown.
 */
const topicsMatch: Checker = ({ history, snapshots }) => {
  const examples: unknown[] = [];
  const byIteration = new Map(snapshots.map((s) => [s.iteration, new Set(s.entries)]));
  const ops = pairOperations(history).filter((o) => o.f === 'allocate');
  let observed = 0;
  for (const op of ops) {
    if (op.type !== 'ok') continue;
    observed++;
    const name = String(field(op.input, 'name'));
    const entry = `${number(op)}_${name}/`;
    if (byIteration.get(op.iteration)?.has(entry) !== true) examples.push({ iteration: op.iteration, worker: op.worker, missing: entry });
  }
  for (const s of snapshots) {
    const acked = ops.filter((o) => o.iteration === s.iteration && o.type !== 'fail').length;
    const topics = s.entries.filter((e) => TOPIC.test(e) && !e.slice(0, -1).includes('/')).length;
    observed += topics;
    if (topics > acked) examples.push({ iteration: s.iteration, topics, acknowledgedOrUnknown: acked });
  }
  const verdict = settle(examples.length, 0, observed);
  return {
    checker: 'topics-match',
    verdict,
    message: verdict === 'fail' ? `${examples.length} allocations without a matching directory, or directories nobody allocated`
      : verdict === 'unknown' ? 'nothing to judge: no allocation was acknowledged and no topic directory made'
      : 'every allocation has its directory',
    examples: examples.slice(0, 10),
  };
};

/** seed 003's stress test: every worker allocates one topic directory in a fresh root at once. */
export const allocateScenario: Scenario = {
  name: 'allocate',
  description: 'each worker takes the next numbered topic directory NNN_name in a fresh root, all at once',
  primitive: 'allocate',
  setup() {},
  async operate(ctx) {
    const { root, worker, sut, rec } = ctx;
    const name = `w${worker}`;
    const lockOptions = { ...ctx.lockOptions, observer: rec.lockObserver() };
    await rec.op('allocate', { name }, () => sut.allocate!(root, name, { lockOptions }), (r) => ({ number: r.number, path: r.path }));
  },
  inspect(root, iteration) {
    const entries = existsSync(root) ? listEntries(root) : [];
    const topics = new Map<string, string[]>();
    for (const e of entries) {
      const m = TOPIC.exec(e);
      if (m === null || e.slice(0, -1).includes('/')) continue;
      topics.set(m[1]!, [...(topics.get(m[1]!) ?? []), e]);
    }
    // Two topic directories with one number: that number was handed out twice.
    const shared = [...topics].filter(([, holders]) => holders.length > 1).map(([value, holders]) => ({ value, holders }));
    return { iteration, root, entries, fileProblems: [], shared, facts: { topics: topics.size } };
  },
  exclusiveValues: (f, value) => (f === 'allocate' ? [String(field(value, 'number'))] : []),
  recover: (root, staleMs) => recoverFiles([], [join(root, '.topic_number.lock')], staleMs),
  checkers: (o = {}) => [
    ['uniqueness', uniqueness({ f: 'allocate', ids: (op) => [number(op)] })],
    ['gap-bound', gapBound({ f: 'allocate', numbers: (op) => [Number(number(op))], weight: () => 1 })],
    ['real-time-order', realTimeOrder({ f: 'allocate', numbers: (op) => [Number(number(op))] })],
    ['mutual-exclusion', mutualExclusion({ staleMs: o.staleMs ?? 5000 }), 'lock-events'],
    ['topics-match', topicsMatch],
    ['no-unexpected-failures', noUnexpectedFailures({ f: 'allocate' })],
    ['files-valid', filesValid()],
    ['no-orphans', noOrphans()],
  ],
};

