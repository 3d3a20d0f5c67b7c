// proper-lockfile, a widely used npm lock, as a peer to measure the core against.
import type { LockOptions as ProperLockfileOptions } from 'proper-lockfile';
import type { Sut } from '../sut.ts';

type ProperLock = (file: string, options: ProperLockfileOptions) => Promise<() => Promise<void>>;
let properLock: Promise<ProperLock> | undefined;

/**
 * proper-lockfile, loaded on first use only: it brings graceful-fs, which patches `fs.close` for
 * the whole thread, and nothing else running in that thread should pay for that.
 */
function loadProperLockfile(): Promise<ProperLock> {
  properLock ??= import('proper-lockfile').then((m) => (m.default ?? m).lock as ProperLock);
  return properLock;
}

/**
 * proper-lockfile 4 (mkdir lock, mtime refresh), told to wait: without `retries` it fails at
 * once. Its configuration is fixed, as the description says; it ignores the lock options.
 */
export const properLockfile: Sut = {
  name: 'proper-lockfile',
  kind: 'peer',
  description: 'proper-lockfile 4, a widely used npm lock: mkdir lock, stale 5000 ms, retries {retries: 1000, minTimeout: 1, maxTimeout: 20}, realpath false',
  reports: [],
  honoursDeps: false,
  honoursIdentity: false,
  prepare: async () => void (await loadProperLockfile()),
  async acquire(lockPath) {
    let compromised: Error | null = null;
    const lock = await loadProperLockfile();
    const release = await lock(lockPath, {
      lockfilePath: lockPath,
      realpath: false,
      stale: 5000,
      retries: { retries: 1000, minTimeout: 1, maxTimeout: 20 },
      // The default throws from a timer, which would take the whole worker down; report it on release instead.
      onCompromised: (err) => {
        compromised = err;
      },
    });
    return {
      async release() {
        await release();
        if (compromised !== null) throw compromised;
      },
    };
  },
};
