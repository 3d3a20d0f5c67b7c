// The lock of seed 002 (ID reservation), rebuilt from its description for the bench: create the
// lock file with O_EXCL; if it exists, break it when older than 5 s, else sleep a FIXED 10 ms and
// try again; give up after 5 s. Release deletes the file. It is a peer to measure against, not a
// lock to use: the stale break is the naive "stat, then unlink by path" that DESIGN.md forbids.
import { closeSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import process from 'node:process';

/** The seed's constants. */
export const SEED_SPIN = { retryMs: 10, timeoutMs: 5000, staleMs: 5000 } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errno(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

/** Takes the lock at `lockPath` the seed's way; resolves to its release. */
export async function seedSpinAcquire(lockPath: string): Promise<() => void> {
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
      if (errno(err) !== 'EEXIST') throw err;
    }
    try {
      if (Date.now() - statSync(lockPath).mtimeMs > SEED_SPIN.staleMs) {
        unlinkSync(lockPath);
        continue;
      }
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw err;
      continue; // released between our attempt and our look
    }
    if (Date.now() - started > SEED_SPIN.timeoutMs) {
      throw new Error(`Lock acquisition timeout (${SEED_SPIN.timeoutMs}ms) - another agent holding lock`);
    }
    await sleep(SEED_SPIN.retryMs);
  }
}
