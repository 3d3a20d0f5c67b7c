import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { recoverFiles } from './recovery.ts';
import type { Scenario } from './scenario.ts';
import { listEntries } from './entries.ts';
import { field } from './op-values.ts';

const TOPIC = /^(\d{3,})_(.+)\/$/;
const number = (op: { value: unknown }) => String(field(op.value, 'number'));
/** A topic directory right under the root: `NNN_name/`. */
const isTopic = (entry: string) => TOPIC.test(entry) && !entry.slice(0, -1).includes('/');

/** The allocation spec's stress test: every worker allocates one topic directory in a fresh root at once. */
export const allocateScenario: Scenario = {
  name: 'allocate',
  description: 'each worker takes the next numbered topic directory NNN_name in a fresh root, all at once',
  primitive: 'allocate',
  setup() {},
  places: () => ({}),
  async operate(ctx) {
    const { root, worker, sut, rec } = ctx;
    const name = `w${worker}`;
    const lockOptions = { ...ctx.lockOptions, observer: rec.lockObserver() };
    await rec.op(
      'allocate',
      { name },
      () => sut.allocate!(root, name, { lockOptions }),
      (r) => ({ number: r.number, path: r.path }),
    );
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
  checks: [
    { checker: 'uniqueness', options: { f: 'allocate', ids: (op) => [number(op)] } },
    { checker: 'gap-bound', options: { f: 'allocate', numbers: (op) => [Number(number(op))], weight: () => 1 } },
    { checker: 'real-time-order', options: { f: 'allocate', numbers: (op) => [Number(number(op))] } },
    { checker: 'mutual-exclusion', needs: 'lock-events' },
    { checker: 'topics-match', options: { f: 'allocate', entry: (op) => `${number(op)}_${String(field(op.input, 'name'))}/`, isEntry: isTopic } },
    { checker: 'no-unexpected-failures', options: { f: 'allocate' } },
    { checker: 'files-valid' },
    { checker: 'no-orphans' },
  ],
};
