// Known-broken control: the claiming spec's race — find the next batch, then claim it, without the lock.
// Two claimers that both read the registry before either writes it claim the same batch.
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { applyClaim, selectClaim, type Phase } from '../../../core/registry/claim-rules.ts';
import { DEFAULT_LEASE_MS } from '../../../core/registry/claimer.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { readEntries } from '../../../core/registry/entries.ts';
import { parseRegistry, renderRegistry } from '../../../core/registry/table.ts';

const decoder = new TextDecoder();

/** Claims the next batch of `phase` for `owner` as the core does, but with no lock; null when there is no work. */
export async function claimUnlocked(registryFile: string, owner: string, phase: Phase, deps: Deps = defaultDeps()): Promise<{ batch: string; sites: string[] } | null> {
  const table = parseRegistry(decoder.decode(deps.fs.readFile(registryFile)));
  const now = deps.clock.now();
  const pick = selectClaim(readEntries(table), phase, { owner, now, leaseMs: DEFAULT_LEASE_MS });
  if (pick === null) return null;
  // The bug: between the read above and this write, another claimer may have picked the same batch.
  writeAtomic(registryFile, renderRegistry(applyClaim(table, pick, owner, new Date(now).toISOString())), {}, deps);
  return { batch: pick.batch, sites: pick.rows.map((r) => r.domain) };
}
