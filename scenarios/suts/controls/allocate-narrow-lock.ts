// Known-broken control: the allocator of the allocation spec's "before" state. The lock protects only the
// scan and the computation of the next number; it is released before the directory is created
// with `mkdir -p`. Another allocator that scans in that window sees the same maximum and takes
// the same number, and `mkdir -p` never complains, so both "succeed".
import { join } from 'node:path';
import { formatTopicNumber, highestTopicNumber, TOPIC_LOCK_NAME } from '../../../core/topics/allocator.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { errnoCode } from '../../../core/errors.ts';
import { withLock, type LockOptions } from '../../../core/lock/lock.ts';
import { validateTopicName } from '../../../core/topics/topic-name.ts';

export async function allocateNarrowLock(root: string, name: string, options: { lockOptions?: LockOptions } = {}, deps: Deps = defaultDeps()): Promise<{ number: string; path: string }> {
  const topic = validateTopicName(name);
  const number = await withLock(join(root, TOPIC_LOCK_NAME), () => formatTopicNumber(highestTopicNumber(deps.fs.readdir(root)) + 1n), options.lockOptions, deps);
  // The bug: the lock is gone; the path is built and the directory made outside it.
  const path = join(root, `${number}_${topic}`);
  try {
    deps.fs.mkdir(path);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err; // mkdir -p: an existing directory is fine
  }
  return { number, path };
}
