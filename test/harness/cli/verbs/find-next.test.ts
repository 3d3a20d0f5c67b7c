import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isRacetrackError } from '../../../../core/errors.ts';
import { runFindNext, type FindNextInput } from '../../../../harness/cli/verbs/find-next.ts';
import { registryText, type FixtureBatch } from '../../../fixtures/registry-text.ts';
import { tempDir } from '../../../support/tmp.ts';

const BATCHES: FixtureBatch[] = [
  { batch: '003', status: 'B', sites: ['a.example', 'b.example'] },
  { batch: '004', status: 'D', sites: ['c.example'] },
];

function withRegistry(fn: (registry: string, dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try {
      const registry = join(dir.path, 'REGISTRY.md');
      writeFileSync(registry, registryText(BATCHES));
      await fn(registry, dir.path);
    } finally {
      dir.cleanup();
    }
  };
}

/** find-next's input with the defaults its declaration fills in, and `given` over them. */
const input = (given: Partial<FindNextInput> & { registry: string; mode: FindNextInput['mode'] }): FindNextInput => ({ claim: false, leaseMs: '1800000', format: 'json', ...given });

describe('racetrack find-next', () => {
  test(
    'a claim prints the batch, its sites and the transition, exit 0',
    withRegistry(async (registry) => {
      const got = await runFindNext(input({ registry, mode: 'batch', phase: 'design', claim: true, owner: 'agent-7' }));
      assert.equal(got.exitCode, 0);
      const out = got.output as Record<string, unknown>;
      assert.deepEqual(
        { ...out, claimedAt: typeof out.claimedAt },
        {
          batch: '003',
          sites: ['a.example', 'b.example'],
          claimed: true,
          from: 'B',
          to: 'd',
          resumed: false,
          owner: 'agent-7',
          claimedAt: 'string',
        },
      );
    }),
  );

  test(
    'a read-only look prints claimed false and no owner',
    withRegistry(async (registry) => {
      const got = await runFindNext(input({ registry, mode: 'batch', phase: 'implement' }));
      assert.deepEqual(got, { exitCode: 0, output: { batch: '004', sites: ['c.example'], claimed: false, from: 'D', to: 'O', resumed: false } });
    }),
  );

  test(
    'simple format prints the batch ID, or the sites one per line',
    withRegistry(async (registry) => {
      assert.deepEqual(await runFindNext(input({ registry, mode: 'batch', phase: 'design', format: 'simple' })), { exitCode: 0, output: '003' });
      assert.deepEqual(await runFindNext(input({ registry, mode: 'sites', phase: 'design', format: 'simple' })), { exitCode: 0, output: 'a.example\nb.example' });
    }),
  );

  test(
    'status prints counts for every status',
    withRegistry(async (registry) => {
      const got = await runFindNext(input({ registry, mode: 'status', phase: 'implement' }));
      assert.deepEqual(got, { exitCode: 0, output: { counts: { '-': 0, B: 2, d: 0, D: 1, O: 0, i: 0, I: 0, Q: 0 }, total: 3, batches: 2 } });
    }),
  );

  test(
    'active prints the batch in progress and its owner',
    withRegistry(async (registry) => {
      await runFindNext(input({ registry, mode: 'batch', phase: 'design', claim: true, owner: 'w1', leaseMs: '60000' }));
      const got = await runFindNext(input({ registry, mode: 'active' }));
      const out = got.output as Record<string, unknown>;
      assert.deepEqual([got.exitCode, out.batch, out.status, out.owner, out.leaseExpired], [0, '003', 'd', 'w1', false]);
    }),
  );

  test(
    'no work is exit 1 with {"reason":"no_work_found"}, in either format',
    withRegistry(async (registry) => {
      await runFindNext(input({ registry, mode: 'batch', phase: 'design', claim: true, owner: 'w1' }));
      for (const format of ['json', 'simple'] as const) {
        assert.deepEqual(await runFindNext(input({ registry, mode: 'batch', phase: 'design', claim: true, owner: 'w2', format })), { exitCode: 1, output: { reason: 'no_work_found' } });
      }
    }),
  );

  const bad: [string, Partial<FindNextInput>][] = [
    ['--claim without --owner', { claim: true, owner: undefined }],
    ['a --lease-ms that is not a number', { leaseMs: 'abc' }],
    ['a zero --lease-ms', { leaseMs: '0' }],
    ['a fractional --lease-ms', { leaseMs: '1.5' }],
    ['a negative --lease-ms', { leaseMs: '-5' }],
    ['an empty --owner', { owner: '' }],
    ['an empty --registry', { registry: '' }],
  ];
  for (const [name, args] of bad) {
    test(
      `${name} is EINVALID and changes nothing`,
      withRegistry(async (registry, dir) => {
        const before = readFileSync(registry);
        const base = input({ registry, mode: 'batch', phase: 'design', claim: true, owner: 'w1' });
        await assert.rejects(runFindNext({ ...base, ...args }), (err: unknown) => isRacetrackError(err, 'EINVALID'));
        assert.deepEqual(readFileSync(registry), before);
        assert.deepEqual(readdirSync(dir), ['REGISTRY.md']);
      }),
    );
  }
});
