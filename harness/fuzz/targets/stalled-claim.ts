import fc from 'fast-check';
import type { FsFacade } from '../../../core/fs-facade.ts';
import { join } from 'node:path';
import { readEntries } from '../../../core/registry/entries.ts';
import { parseRegistry } from '../../../core/registry/table.ts';
import { registryText } from '../../../scenarios/workloads/claim.ts';
import type { RecoveryEnv, Violation } from '../fuzz-target.ts';
import { recoverAfterCrash } from '../recovery-step.ts';
import { stalledHolderTarget } from '../stalled-holder.ts';
import { orphansIn } from '../fuzz-sut.ts';
import { describeError, readOrNull, showBytes } from '../tree.ts';

/** One claim of the next batch ready for implementation, by the owner its position names. */
export interface ClaimOp {
  readonly kind: 'claim';
}

export const REGISTRY_FILE = 'REGISTRY.md';
export const BATCHES = 4;
const decoder = new TextDecoder();

/** Who makes claim `index`: the holder, or the breaker under a fresh owner name per claim (an owner gets only its own batch back). */
function ownerOf(index: number): string {
  return index === 0 ? 'holder' : `breaker-${index}`;
}

/** Each batch's status and owner, or why the registry cannot be read. */
function batchesIn(bytes: Uint8Array | null): Map<string, { status: string; owner: string }> | string {
  if (bytes === null) return 'missing';
  try {
    return new Map(readEntries(parseRegistry(decoder.decode(bytes))).map((e) => [e.batch, { status: e.status, owner: e.owner }]));
  } catch (err) {
    return `${describeError(err)} (${showBytes(bytes)})`;
  }
}

/**
 * `stalled-claim`: a claimer stalls holding the registry's lock after reading the registry, a
 * breaker takes the lock as expired and claims, the holder wakes and dies in its write; then a
 * fresh process recovers and claims once. No acknowledged claim is undone, and no batch is handed
 * to two owners (the breaker's and the next claimer's).
 */
export const stalledClaimTarget = stalledHolderTarget<ClaimOp>({
  name: 'stalled-claim',
  description:
    'a claimer stalls past staleMs holding the registry lock, a breaker claims, the holder wakes and dies in its write, then recover and one more claim: no claim undone, no batch claimed twice',
  uses: ['claim', 'recover'],
  file: REGISTRY_FILE,
  op: fc.constant({ kind: 'claim' as const }),
  parseOp: (value) => ((value as ClaimOp | null)?.kind === 'claim' ? { kind: 'claim' } : undefined),
  describe: (_op, index) => `claim the next batch as ${ownerOf(index)}`,
  setup: writeRegistry,
  perform: (sut, file, _op, index, ctx) => sut.claim(file, ownerOf(index), 'implement', ctx),
  recoverAndCheck: (env, file) => checkClaims(env as RecoveryEnv<unknown>, file, ownerOf),
});

/** Lays out a case root's registry: BATCHES batches ready for implementation. */
export function writeRegistry(fs: FsFacade, root: string): void {
  const fd = fs.openExclusive(join(root, REGISTRY_FILE));
  fs.write(fd, new TextEncoder().encode(registryText(BATCHES)));
  fs.close(fd);
}

/**
 * The checks after a claimer crashed, shared by `claim` and `stalled-claim`: the registry parses
 * before and after recovery, every acknowledged claim is still its owner's, and the next claimer
 * after recovery gets a batch nobody was handed (or no work). `ownerOf(i)`: who made claim i.
 */
export async function checkClaims(env: RecoveryEnv<unknown>, file: string, ownerOf: (index: number) => string): Promise<Violation[]> {
  const { fs } = env.deps;
  const violations: Violation[] = [];
  const found = batchesIn(readOrNull(fs, file));
  if (typeof found === 'string') violations.push({ invariant: 'registry-parses', message: `after the crash, ${REGISTRY_FILE} is ${found}` });
  const lockOptions = await recoverAfterCrash(env, file, violations);
  if (lockOptions === null) return violations;
  const after = batchesIn(readOrNull(fs, file));
  if (typeof after === 'string') {
    violations.push({ invariant: 'registry-parses', message: `after recovery, ${REGISTRY_FILE} is ${after}` });
    return violations;
  }
  const claimed = new Map<string, string>();
  for (const [i, value] of env.acked) {
    const batch = (value as { batch?: string } | null)?.batch;
    if (batch === undefined) continue;
    claimed.set(batch, ownerOf(i));
    const now = after.get(batch);
    if (now?.status !== 'i' || now.owner !== ownerOf(i)) {
      violations.push({
        invariant: 'claims-kept',
        message: `the acknowledged claim of batch ${batch} by ${ownerOf(i)} was undone: after recovery its rows are ${now?.status ?? 'gone'}/${now?.owner || '-'}`,
      });
    }
  }
  try {
    const next = await env.sut.claim(file, 'next', 'implement', { lockOptions, deps: env.deps });
    const first = next === null ? undefined : claimed.get(next.batch);
    if (first !== undefined) violations.push({ invariant: 'batch-claimed-once', message: `batch ${next!.batch} was claimed by ${first} and again by the next claimer after recovery` });
  } catch (err) {
    violations.push({ invariant: 'restart-claims', message: `the claim after recovery failed: ${describeError(err)}` });
  }
  const orphans = orphansIn(env.sut, fs, env.root, (n) => n === REGISTRY_FILE);
  if (orphans.length > 0) violations.push({ invariant: 'no-orphans', message: `after recovery, left beside ${REGISTRY_FILE}: ${orphans.join(', ')}` });
  return violations;
}
