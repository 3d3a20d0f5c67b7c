import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recoverFiles } from './recovery.ts';
import type { Scenario } from './scenario.ts';
import { listEntries } from './entries.ts';
import { field, idNumber } from './op-values.ts';

const PREFIX = 'SEC';
const COUNTERS = 'counters.json';
const ids = (op: { value: unknown }) => {
  const v = field(op.value, 'ids');
  return Array.isArray(v) ? v.map(String) : [];
};
const requested = (op: { input: unknown }) => Number(field(op.input, 'count') ?? 1);

/** The ID-reservation spec's race: every worker reserves 1–3 IDs from one counter file at once. */
export const reserveScenario: Scenario = {
  name: 'reserve',
  description: 'each worker reserves 1-3 task IDs for one prefix from a shared counters file, all at once',
  primitive: 'reserve',
  setup(root) {
    writeFileSync(join(root, COUNTERS), `${JSON.stringify({ counters: { [PREFIX]: 0 } }, null, 2)}\n`);
  },
  places: (root) => ({ counters: join(root, COUNTERS), prefix: PREFIX }),
  async operate(ctx) {
    const { root, random, sut, rec } = ctx;
    const count = 1 + Math.floor(random() * 3);
    const lockOptions = { ...ctx.lockOptions, observer: rec.lockObserver() };
    await rec.op(
      'reserve',
      { prefix: PREFIX, count },
      () => sut.reserve!(join(root, COUNTERS), PREFIX, count, { lockOptions }),
      (r) => ({ ids: [...r.ids] }),
    );
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
  checks: [
    { checker: 'uniqueness', options: { f: 'reserve', ids } },
    { checker: 'gap-bound', options: { f: 'reserve', numbers: (op) => ids(op).map(idNumber), weight: requested } },
    { checker: 'real-time-order', options: { f: 'reserve', numbers: (op) => ids(op).map(idNumber) } },
    { checker: 'mutual-exclusion', needs: 'lock-events' },
    { checker: 'counter-matches', options: { f: 'reserve', numbers: (op) => ids(op).map(idNumber), weight: requested } },
    { checker: 'no-unexpected-failures', options: { f: 'reserve' } },
    { checker: 'files-valid' },
    { checker: 'no-orphans' },
  ],
};
