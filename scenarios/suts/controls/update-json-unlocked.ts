// Known-broken control: the atomic-write spec's `update_json_atomic` — read, modify, write atomically, but with
// no lock around the three. Each write is whole, yet two updaters that read the same version both
// write their own next version, and one update is lost.
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';

const decoder = new TextDecoder();

export async function updateJsonUnlocked<T>(file: string, fn: (current: unknown) => T, deps: Deps = defaultDeps()): Promise<T> {
  const current: unknown = JSON.parse(decoder.decode(deps.fs.readFile(file)));
  const next = fn(current);
  writeAtomic(file, `${JSON.stringify(next, null, 2)}\n`, {}, deps);
  return next;
}
