// Known-broken control: the ID-reservation spec's "old workflow" — read the highest ID, add one, write it back,
// with no lock. Two reservers that read before either writes hand out the same IDs.
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { encodeCounters, readCounters } from '../../../core/ids/counters.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { checkCount } from '../../../core/ids/reserver.ts';
import { formatTaskId } from '../../../core/ids/task-id.ts';

export async function reserveUnlocked(countersFile: string, prefix: string, count = 1, deps: Deps = defaultDeps()): Promise<{ ids: string[]; reservedAt: string }> {
  const n = checkCount(count);
  const state = readCounters(countersFile, deps); // the bug: nothing stops another reserver reading the same value
  const from = state.counters[prefix] ?? 0;
  const reservedAt = new Date(deps.clock.now()).toISOString();
  writeAtomic(countersFile, encodeCounters({ ...state.counters, [prefix]: from + n }, state.extra, reservedAt), {}, deps);
  return { ids: Array.from({ length: n }, (_, i) => formatTaskId(prefix, from + i + 1)), reservedAt };
}
