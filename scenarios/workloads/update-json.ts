import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recoverFiles } from './recovery.ts';
import type { Scenario } from './scenario.ts';
import { listEntries } from './entries.ts';
import { field } from './op-values.ts';

const FILE = 'agent-history.json';

/** The atomic-write spec's `update_json_atomic`: read-modify-write of one JSON file by many workers at once. */
export const updateJsonScenario: Scenario = {
  name: 'update-json',
  description: 'each worker increments a counter in a shared JSON file (read, modify, write atomically); no update may be lost',
  primitive: 'update',
  setup(root) {
    writeFileSync(join(root, FILE), `${JSON.stringify({ count: 0, entries: [] })}\n`);
  },
  places: (root) => ({ file: join(root, FILE) }),
  async operate(ctx) {
    const { root, worker, sut, rec } = ctx;
    const lockOptions = { ...ctx.lockOptions, observer: rec.lockObserver() };
    let before = Number.NaN;
    // The same change as a jq program, for an implementation in another process (--exec {filter}).
    const filter = `.count += 1 | .entries += ["w${worker}"]`;
    await rec.op(
      'update',
      { filter },
      () =>
        sut.update!(
          join(root, FILE),
          (current) => {
            before = Number(field(current, 'count'));
            const entries = field(current, 'entries');
            return { count: before + 1, entries: [...(Array.isArray(entries) ? entries : []), `w${worker}`] };
          },
          { lockOptions },
          filter,
        ),
      // An implementation that applied the filter itself does not say what it read: the update is
      // counted against the final counter, not placed in an order.
      () => (Number.isNaN(before) ? { applied: filter } : { before, after: before + 1 }),
    );
  },
  inspect(root, iteration) {
    const fileProblems: string[] = [];
    let counter: number | null = null;
    try {
      const count = field(JSON.parse(readFileSync(join(root, FILE), 'utf8')), 'count');
      if (typeof count === 'number') counter = count;
      else fileProblems.push(`${FILE}: count is ${JSON.stringify(count)}`);
    } catch (err) {
      fileProblems.push(`${FILE}: ${(err as Error).message}`);
    }
    return { iteration, root, entries: listEntries(root), fileProblems, facts: { counter } };
  },
  recover: (root, staleMs) => recoverFiles([join(root, FILE)], [], staleMs),
  checks: [
    { checker: 'lost-updates' },
    { checker: 'mutual-exclusion', needs: 'lock-events' },
    { checker: 'no-unexpected-failures', options: { f: 'update' } },
    { checker: 'files-valid' },
    { checker: 'no-orphans' },
  ],
};
