// The lock of the ID-reservation spec, rebuilt from its description as a peer to measure against:
// create the lock file with O_EXCL; if it exists, break it when older than 5 s, else sleep a FIXED
// 10 ms and try again; give up after 5 s. Release deletes the file. It is not a lock to use: the
// stale break is the naive "stat, then unlink by path" that DESIGN.md forbids.
import { closeSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import process from 'node:process';
import { errnoCode } from '../../../core/errors.ts';
import type { Sut } from '../sut.ts';

/** The spec's constants. */
const SPEC_SPIN = { retryMs: 10, timeoutMs: 5000, staleMs: 5000 } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the lock at `lockPath` the spec's way; resolves to its release. */
async function specSpinAcquire(lockPath: string): Promise<() => void> {
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, lockedAt: new Date().toISOString() }));
      } finally {
        closeSync(fd);
      }
      return () => unlinkSync(lockPath);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    try {
      if (Date.now() - statSync(lockPath).mtimeMs > SPEC_SPIN.staleMs) {
        unlinkSync(lockPath);
        continue;
      }
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
      continue; // released between our attempt and our look
    }
    if (Date.now() - started > SPEC_SPIN.timeoutMs) {
      throw new Error(`Lock acquisition timeout (${SPEC_SPIN.timeoutMs}ms) - another agent holding lock`);
    }
    await sleep(SPEC_SPIN.retryMs);
  }
}

/** The ID-reservation spec's lock, as the spec configures it (it ignores the lock options it is given). */
export const specSpinLock: Sut = {
  name: 'spec-spin',
  kind: 'peer',
  description: "the ID-reservation spec's lock: an O_EXCL lock file, retried after a FIXED 10 ms sleep, given up after 5 s, broken after 5 s by stat then unlink",
  reports: [],
  honoursDeps: false,
  honoursIdentity: false,
  acquire: async (lockPath) => ({ release: await specSpinAcquire(lockPath) }),
};
