import * as nodeFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRealFs, type FsFacade } from '../../core/fs-facade.ts';
import { SimDisk } from '../sim/sim-disk.ts';
import { createSkippingClock, createVirtualClock, type VirtualClock } from '../sim/virtual-clock.ts';

/** Where crash cases run: real directories, or the simulated disk. */
export type DiskKind = 'real' | 'sim';

/** Wall-clock ms the simulated disk's clocks start at (fixed, so simulated runs replay exactly). */
export const SIM_START_MS = Date.UTC(2026, 0, 1);

/** A fresh root for one case: the fs the primitives get (before crash injection), its clock, and how to clean up. */
export interface CaseRoot {
  readonly fs: FsFacade;
  readonly root: string;
  readonly clock: VirtualClock;
  /** The simulated disk, when there is one. */
  readonly sim?: SimDisk;
  cleanup(): void;
}

/**
 * The real file system, except that fsync and fsyncDir only check their argument (EBADF, ENOENT)
 * and flush nothing. A process crash keeps the page cache, so a flush changes nothing a crash
 * case can observe; power loss, where it matters, is the simulated disk's business. Skipping them
 * makes a real-directory crash case cost a few syscalls instead of a few disk flushes.
 */
export function pageCacheFs(): FsFacade {
  const real = createRealFs();
  return {
    ...real,
    fsync: (fd) => void nodeFs.fstatSync(fd),
    fsyncDir: (path) => void nodeFs.statSync(path),
  };
}

/**
 * Where real case roots go: a tmpfs (/dev/shm) when there is one, else the system temp directory.
 * tmpfs is the kernel's own file system with the same POSIX rename/link/O_EXCL semantics; what it
 * lacks (durability) is what a process crash does not test, and its directory operations are
 * much cheaper than a journaling file system's.
 */
export function realCaseDir(): string {
  try {
    nodeFs.accessSync('/dev/shm', nodeFs.constants.W_OK);
    if (nodeFs.statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no tmpfs: use the temp directory
  }
  return tmpdir();
}

/** Hands out case roots: numbered directories in one session directory, or a fresh simulated disk each. */
export class CaseRoots {
  private session: string | null = null;
  private next = 0;
  private readonly realFs = pageCacheFs();

  readonly kind: DiskKind;

  constructor(kind: DiskKind) {
    this.kind = kind;
  }

  /** A fresh root, set up by `setup` and made durable. */
  create(setup: (fs: FsFacade, root: string) => void): CaseRoot {
    if (this.kind === 'sim') {
      const clock = createVirtualClock(SIM_START_MS);
      const sim = new SimDisk(() => clock.now());
      const fs = sim.facade();
      const root = '/fuzz';
      fs.mkdir(root);
      setup(fs, root);
      sim.checkpoint();
      return { fs, root, clock, sim, cleanup: () => {} };
    }
    this.session ??= nodeFs.mkdtempSync(join(realCaseDir(), 'racetrack-fuzz-'));
    const root = join(this.session, String(this.next++));
    nodeFs.mkdirSync(root);
    setup(this.realFs, root);
    return { fs: this.realFs, root, clock: createSkippingClock(), cleanup: () => nodeFs.rmSync(root, { recursive: true, force: true }) };
  }

  /** Removes the session directory. */
  close(): void {
    if (this.session !== null) nodeFs.rmSync(this.session, { recursive: true, force: true });
    this.session = null;
  }
}
