import { allocateTopic } from '../../core/topics/allocator.ts';
import { writeAtomic } from '../../core/write/atomic-write.ts';
import { findNext } from '../../core/registry/claimer.ts';
import type { Deps } from '../../core/deps.ts';
import { RacetrackError } from '../../core/errors.ts';
import { acquireLock, type LockOptions } from '../../core/lock/lock.ts';
import { recover } from '../../core/write/recover.ts';
import { reserveIds } from '../../core/ids/reserver.ts';
import { updateJson } from '../../core/write/update-json.ts';
import { allocateNarrowLock } from '../../scenarios/suts/controls/allocate-narrow-lock.ts';
import { recoverPromoteProven } from '../../scenarios/suts/controls/recover-promote-proven.ts';
import { recoverPromoteUnverified } from '../../scenarios/suts/controls/recover-promote-unverified.ts';
import { writeRenameNoFsync } from '../../scenarios/suts/controls/rename-no-fsync.ts';
import { reserveUnlocked } from '../../scenarios/suts/controls/reserve-unlocked.ts';
import { acquireNaive } from '../../scenarios/suts/controls/stale-break-naive.ts';
import { writeTmpPidOnly } from '../../scenarios/suts/controls/tmp-pid-only.ts';
import { updateJsonUnlocked } from '../../scenarios/suts/controls/update-json-unlocked.ts';
import { writeInPlace } from '../../scenarios/suts/controls/write-in-place.ts';

/** A held lock as the fuzzer drives it. */
export interface FuzzLock {
  release(): void;
  assertHeld?(): void;
}

/**
 * A system under test as the fuzzer drives it: every operation takes its deps (the crash-injecting
 * or simulated fs, the virtual clock, the seeded random) as its last parameter, as core functions
 * do. A control overrides the operations its bug lives in and uses the core for the rest.
 */
export interface FuzzSut {
  readonly name: string;
  /** The operations this SUT replaces (empty for the core). */
  readonly overrides: readonly FuzzOperation[];
  /**
   * Whether its locks take the identity in LockOptions.identity. The crash targets give each
   * simulated process a provably dead pid that way; a lock that writes the fuzzer's own (live)
   * pid instead can never be shown to have a dead holder.
   */
  readonly honoursIdentity: boolean;
  write(file: string, data: Uint8Array, deps: Deps): void;
  /**
   * `afterCrash`: run by the fresh process after the crash, which knows every earlier writer is
   * dead. The simulated writers shared the fuzzer's pid (temp names carry the real pid), so it
   * passes `minAgeMs: 0` to say so, rather than let a pid-only temp name look like a live thread's.
   */
  recover(file: string, lockOptions: LockOptions, deps: Deps, afterCrash?: boolean): Promise<unknown>;
  reserve(counters: string, prefix: string, count: number, lockOptions: LockOptions, deps: Deps): Promise<{ ids: readonly string[] }>;
  acquire(path: string, lockOptions: LockOptions, deps: Deps): Promise<FuzzLock>;
  update(file: string, fn: (current: unknown) => unknown, lockOptions: LockOptions, deps: Deps): Promise<unknown>;
  /** Claims the next batch ready for implementation (O → i) for `owner`; null when there is none. */
  claim(registry: string, owner: string, lockOptions: LockOptions, deps: Deps): Promise<{ batch: string } | null>;
  allocate(root: string, name: string, lockOptions: LockOptions, deps: Deps): Promise<{ number: string; path: string }>;
}

export type FuzzOperation = 'write' | 'recover' | 'reserve' | 'acquire' | 'update' | 'allocate' | 'claim';

const core: FuzzSut = {
  name: 'core',
  overrides: [],
  honoursIdentity: true,
  write: (file, data, deps) => writeAtomic(file, data, {}, deps),
  recover: (file, lockOptions, deps, afterCrash = false) => recover(file, afterCrash ? { lockOptions, minAgeMs: 0 } : { lockOptions }, deps),
  reserve: (counters, prefix, count, lockOptions, deps) => reserveIds(counters, prefix, count, { lockOptions }, deps),
  acquire: (path, lockOptions, deps) => acquireLock(path, lockOptions, deps),
  update: (file, fn, lockOptions, deps) => updateJson(file, fn, { lockOptions }, deps),
  async claim(registry, owner, lockOptions, deps) {
    const found = await findNext(registry, { mode: 'batch', phase: 'implement', claim: true, owner, lockOptions }, deps);
    return found.found ? { batch: found.batch } : null;
  },
  allocate: (root, name, lockOptions, deps) => allocateTopic(root, name, { lockOptions }, deps),
};

type Overrides = Partial<Omit<FuzzSut, 'name' | 'overrides'>>;

const NOT_OPERATIONS = new Set(['honoursIdentity']);

// Each control's bug, bound to the fuzzer's signature. Their code lives in scenarios/suts/controls/.
const CONTROL_OVERRIDES: Record<string, Overrides> = {
  'write-in-place': { write: (file, data, deps) => writeInPlace(file, data, deps) },
  'tmp-pid-only': { write: (file, data, deps) => writeTmpPidOnly(file, data, deps) },
  'rename-no-fsync': { write: (file, data, deps) => writeRenameNoFsync(file, data, deps) },
  'recover-promote-unverified': { recover: async (file, _lockOptions, deps) => recoverPromoteUnverified(file, deps) },
  'recover-promote-proven': { recover: (file, lockOptions, deps, afterCrash = false) => recoverPromoteProven(file, afterCrash ? { lockOptions, minAgeMs: 0 } : { lockOptions }, deps) },
  'stale-break-naive': { acquire: (path, lockOptions, deps) => acquireNaive(path, lockOptions, deps), honoursIdentity: false },
  'reserve-unlocked': { reserve: (counters, prefix, count, _lockOptions, deps) => reserveUnlocked(counters, prefix, count, deps) },
  'update-json-unlocked': { update: async (file, fn, _lockOptions, deps) => updateJsonUnlocked(file, fn, deps) },
  'allocate-narrow-lock': { allocate: (root, name, lockOptions, deps) => allocateNarrowLock(root, name, { lockOptions }, deps) },
};

/** The names `--sut` accepts. */
export const FUZZ_SUT_NAMES: readonly string[] = ['core', ...Object.keys(CONTROL_OVERRIDES)];

/** The SUT named `name`: the core, or the core with a control's operations swapped in. EINVALID for an unknown name. */
export function fuzzSut(name: string): FuzzSut {
  if (name === 'core') return core;
  const overrides = CONTROL_OVERRIDES[name];
  if (overrides === undefined) {
    throw new RacetrackError('EINVALID', `unknown system under test "${name}"; known: ${FUZZ_SUT_NAMES.join(', ')}`, { sut: name, known: FUZZ_SUT_NAMES });
  }
  return { ...core, ...overrides, name, overrides: Object.keys(overrides).filter((k) => !NOT_OPERATIONS.has(k)) as FuzzOperation[] };
}
