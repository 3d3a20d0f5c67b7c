// Known-broken control: the naive stale-lock break that proper-lockfile issue 121 and npm/lockfile
// issue 4 describe. It sees a stale lock, unlinks it BY PATH, and creates its own. Two breakers that
// saw the same stale lock both do so; the second unlinks the fresh lock the first just created, and
// both end up holding the lock.
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { errnoCode, RacetrackError } from '../../../core/errors.ts';
import type { LockOptions } from '../../../core/lock/lock.ts';
import { encodeLockRecord, judgeStale, lookAtLock } from '../../../core/lock/record.ts';
import { currentIdentity, pidSpaceTag } from '../../../core/runtime.ts';

/** Takes the lock at `lockPath`, breaking stale locks the naive way. Release deletes by path. */
export async function acquireNaive(lockPath: string, options: LockOptions = {}, deps: Deps = defaultDeps()): Promise<{ release(): void }> {
  const { fs, clock, random } = deps;
  const me = currentIdentity();
  const token = random.hex(12);
  const staleMs = options.staleMs ?? 5000;
  const deadline = clock.monotonic() + (options.timeoutMs ?? 10000);
  for (;;) {
    try {
      const fd = fs.openExclusive(lockPath);
      fs.write(fd, encodeLockRecord({ pid: me.pid, threadId: me.threadId, host: me.host, token, startTime: me.startTime, space: pidSpaceTag(me.pidSpace), acquiredAt: clock.now() }));
      fs.close(fd);
      return { release: () => fs.unlink(lockPath) };
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    // Written in place, its own locks are empty for a moment: those it takes for held, not stale.
    const seen = lookAtLock(fs, lockPath);
    if (seen !== null && seen.record !== null && judgeStale({ stat: seen.stat, record: seen.record, from: 'content' }, me, clock.now(), staleMs) !== null) {
      try {
        fs.unlink(lockPath); // the bug: whatever is at the path now, not what was judged
      } catch {
        // someone else removed it first
      }
      continue;
    }
    if (clock.monotonic() > deadline) throw new RacetrackError('ETIMEOUT', `timed out waiting for ${lockPath}`, { path: lockPath });
    await clock.sleep(1 + random.next() * 4);
  }
}
