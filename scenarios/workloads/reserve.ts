import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Checker } from '../../harness/checkers/checker.ts';
import { filesValid, gapBound, mutualExclusion, noOrphans, noUnexpectedFailures, realTimeOrder, uniqueness } from '../../harness/checkers/index.ts';
import { settle } from '../../harness/checkers/settle.ts';
import { pairOperations } from '../../harness/history/history.ts';
import { recoverFiles } from './recovery.ts';
import type { Scenario } from './workload.ts';
import { field, idNumber, listEntries } from './snapshot.ts';

const PREFIX = 'SEC';
const COUNTERS = 'counters.json';
const ids = (op: { value: unknown }) => {
  const v = field(op.value, 'ids');
  return Array.isArray(v) ? v.map(String) : [];
};
const requested = (op: { input: unknown }) => Number(field(op.input, 'count') ?? 1);

/**
 * The final counter equals the highest ID handed out (plus at most what `info` ops may have taken).
 * No iteration with a readable counter and an acknowledged reservation is nothing to judge: unknown.
 */
const counterMatches: Checker = ({ history, snapshots }) => {
  const examples: unknown[] = [];
  const ops = pairOperations(history).filter((o) => o.f === 'reserve');
  let observed = 0;
  for (const s of snapshots) {
    const counter = s.facts.counter;
    if (typeof counter !== 'number') continue;
    const mine = ops.filter((o) => o.iteration === s.iteration);
    if (mine.some((o) => o.type === 'ok')) observed++;
    const high = Math.max(0, ...mine.filter((o) => o.type === 'ok').flatMap((o) => ids(o).map(idNumber)));
    const slack = mine.filter((o) => o.type === 'info').reduce((n, o) => n + requested(o), 0);
    if (counter < high || counter > high + slack) examples.push({ iteration: s.iteration, counter, highestHandedOut: high, unknownOps: slack });
  }
  const verdict = settle(examples.length, 0, observed);
  return {
    checker: 'counter-matches',
    verdict,
    message: verdict === 'fail' ? `the counter disagrees with the IDs handed out in ${examples.length} iterations`
      : verdict === 'unknown' ? 'nothing to judge: no reservation was acknowledged beside a readable counter'
      : 'the counter file agrees with the IDs handed out',
    examples: examples.slice(0, 10),
  };
};

/** seed 002's race: every worker reserves 1–3 IDs from one counter file at once. */
export const reserveScenario: Scenario = {
  name: 'reserve',
  description: 'each worker reserves 1-3 task IDs for one prefix from a shared counters file, all at once',
  primitive: 'reserve',
  setup(root) {
    writeFileSync(join(root, COUNTERS), `${JSON.stringify({ counters: { [PREFIX]: 0 } }, null, 2)}\n`);
  },
  async operate(ctx) {
    const { root, random, sut, rec } = ctx;
    const count = 1 + Math.floor(random() * 3);
    const lockOptions = { ...ctx.lockOptions, observer: rec.lockObserver() };
    await rec.op('reserve', { prefix: PREFIX, count }, () => sut.reserve!(join(root, COUNTERS), PREFIX, count, { lockOptions }), (r) => ({ ids: [...r.ids] }));
  },
  inspect(root, iteration) {
    const fileProblems: string[] = [];
    let counter: number | null = null;
    try {
      const parsed = JSON.parse(readFileSync(join(root, COUNTERS), 'utf8')) as { counters?: Record<string, unknown> };
      const c = parsed.counters?.[PREFIX];
      if (typeof c === 'number' && Number.isInteger(c) && c >= 0) counter = c;
      else fileProblems.push(`${COUNTERS}: counter ${PREFIX} is ${JSON.stringify(c)}, not a non-negative integer`);
    } catch (err) {
      fileProblems.push(`${COUNTERS}: ${(err as Error).message}`);
    }
    return { iteration, root, entries: listEntries(root), fileProblems, facts: { counter } };
  },
  exclusiveValues: (f, value) => (f === 'reserve' ? ids({ value }) : []),
  recover: (root, staleMs) => recoverFiles([join(root, COUNTERS)], [], staleMs),
  checkers: (o = {}) => [
    ['uniqueness', uniqueness({ f: 'reserve', ids })],
    ['gap-bound', gapBound({ f: 'reserve', numbers: (op) => ids(op).map(idNumber), weight: requested })],
    ['real-time-order', realTimeOrder({ f: 'reserve', numbers: (op) => ids(op).map(idNumber) })],
    ['mutual-exclusion', mutualExclusion({ staleMs: o.staleMs ?? 5000 }), 'lock-events'],
    ['counter-matches', counterMatches],
    ['no-unexpected-failures', noUnexpectedFailures({ f: 'reserve' })],
    ['files-valid', filesValid()],
    ['no-orphans', noOrphans()],
  ],
};
