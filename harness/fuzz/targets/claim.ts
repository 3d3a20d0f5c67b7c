import fc from 'fast-check';
import { join } from 'node:path';
import type { FuzzTarget } from '../fuzz-target.ts';
import { crashingLockOptions } from '../lock-budget.ts';
import { runOps } from '../run-ops.ts';
import { BATCHES, checkClaims, REGISTRY_FILE, writeRegistry, type ClaimOp } from './stalled-claim.ts';

/** Who makes claim `index`: each claim its own owner (an owner gets only its own batch back). */
const ownerOf = (index: number) => `claimer-${index + 1}`;

/**
 * `claim`: claims of the next batch for implementation, each by its own owner, by a process that
 * crashes; then recovery and one more claim by a fresh process. The registry always parses, no
 * acknowledged claim is undone, and no batch is handed to two owners.
 */
export const claimTarget: FuzzTarget<ClaimOp> = {
  name: 'claim',
  description: 'claims of the next batch by a process that crashes, then recover and one more claim: the registry parses, no claim undone, no batch claimed twice',
  uses: ['claim', 'recover'],
  ops: fc.array(fc.constant({ kind: 'claim' as const }), { minLength: 1, maxLength: 3 }),
  parseOps(value) {
    if (!Array.isArray(value) || value.length === 0 || value.length > BATCHES) return undefined;
    return value.every((v) => (v as ClaimOp | null)?.kind === 'claim') ? value.map(() => ({ kind: 'claim' as const })) : undefined;
  },
  describeOp: (_op, index) => `claim the next batch as ${ownerOf(index)}`,
  setup: writeRegistry,
  run(ops, env, events) {
    const file = join(env.root, REGISTRY_FILE);
    return runOps(ops, env, events, (_op, i) => env.sut.claim(file, ownerOf(i), 'implement', { lockOptions: crashingLockOptions(0), deps: env.deps }));
  },
  recoverAndCheck: (env) => checkClaims(env, join(env.root, REGISTRY_FILE), ownerOf),
};
