import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEntries } from '../../core/registry/entries.ts';
import { parseRegistry } from '../../core/registry/table.ts';
import { RacetrackError } from '../../core/errors.ts';
import { recoverFiles } from './recovery.ts';
import type { Scenario } from './scenario.ts';
import { listEntries } from './entries.ts';
import { field } from './op-values.ts';

const REGISTRY = 'REGISTRY.md';
const SITES_PER_BATCH = 2;

/** The registry an iteration starts from: `batches` batches, each ready for implementation (O). */
export function registryText(batches: number): string {
  const rows: string[] = [];
  for (let b = 1; b <= batches; b++) {
    const batch = String(b).padStart(3, '0');
    for (let s = 1; s <= SITES_PER_BATCH; s++) rows.push(`| site-${batch}-${s}.example | ${batch} | O |`);
  }
  return ['# Registry', '', 'Sites and the batch each belongs to.', '', '| Domain | Batch | Status |', '|---|---|---|', ...rows, '', 'Notes stay as they are.', ''].join('\n');
}

/** The claiming spec's race: every worker runs `find-next --claim` on one registry at once. */
export const claimScenario: Scenario = {
  name: 'claim',
  description: 'each worker claims the next batch ready for implementation (O -> i) in a shared registry, all at once',
  primitive: 'claim',
  setup(root, workers) {
    writeFileSync(join(root, REGISTRY), registryText(workers + 2));
  },
  places: (root) => ({ registry: join(root, REGISTRY) }),
  async operate(ctx) {
    const { root, worker, sut, rec } = ctx;
    const owner = `w${worker}`;
    const lockOptions = { ...ctx.lockOptions, observer: rec.lockObserver() };
    await rec.op(
      'claim',
      { owner },
      async () => {
        const got = await sut.claim!(join(root, REGISTRY), owner, 'implement', { lockOptions });
        if (got === null) throw new RacetrackError('ENOTFOUND', 'no work found', { reason: 'no_work_found' });
        return got;
      },
      (r) => ({ batch: r.batch, owner }),
    );
  },
  inspect(root, iteration) {
    const fileProblems: string[] = [];
    const batches = new Map<string, { batch: string; status: string; owner: string }>();
    try {
      for (const e of readEntries(parseRegistry(readFileSync(join(root, REGISTRY), 'utf8')))) {
        const seen = batches.get(e.batch);
        if (seen !== undefined && (seen.status !== e.status || seen.owner !== e.owner)) {
          fileProblems.push(`${REGISTRY}: batch ${e.batch} has rows in ${seen.status}/${seen.owner || '-'} and ${e.status}/${e.owner || '-'}`);
        }
        batches.set(e.batch, { batch: e.batch, status: e.status, owner: e.owner });
      }
    } catch (err) {
      fileProblems.push(`${REGISTRY}: ${(err as Error).message}`);
    }
    return { iteration, root, entries: listEntries(root), fileProblems, facts: { batches: [...batches.values()], initial: 'O', target: 'i' } };
  },
  exclusiveValues: (f, value) => (f === 'claim' ? [String(field(value, 'batch'))] : []),
  recover: (root, staleMs) => recoverFiles([join(root, REGISTRY)], [join(root, 'REGISTRY.lock')], staleMs),
  checks: [
    { checker: 'claimed-once' },
    { checker: 'legal-transitions' },
    { checker: 'no-unexpected-failures', options: { f: 'claim', expected: ['ENOTFOUND'] } },
    { checker: 'mutual-exclusion', needs: 'lock-events' },
    { checker: 'files-valid' },
    { checker: 'no-orphans' },
  ],
};
