import type { Sut } from '../sut.ts';
import { allocateNarrowLock } from './allocate-narrow-lock.ts';
import { claimUnlocked } from './claim-unlocked.ts';
import { recoverPromoteProven } from './recover-promote-proven.ts';
import { recoverPromoteUnverified } from './recover-promote-unverified.ts';
import { reserveUnlocked } from './reserve-unlocked.ts';
import { acquireNaive } from './stale-break-naive.ts';
import { writeTmpPidOnly } from './tmp-pid-only.ts';
import { updateJsonUnlocked } from './update-json-unlocked.ts';
import { writeInPlace } from './write-in-place.ts';
import { writeRenameNoFsync } from './rename-no-fsync.ts';

// Every control works through ctx.deps and takes its locks (if any) as the core does.
const honours = { kind: 'control', honoursDeps: true, honoursIdentity: true } as const;

/**
 * The known-broken controls, each a system under test that really contains its bug and implements
 * only the operations its bug lives in. `racetrack selftest` runs each through what must catch it
 * (`control.caughtBy`) and must see it fail; the fuzzer runs a control as the core with those
 * operations replaced.
 */
export const CONTROLS: readonly Sut[] = [
  {
    name: 'allocate-narrow-lock',
    ...honours,
    description: 'an allocator whose lock covers finding the next number but not creating its directory, which it makes with mkdir -p',
    control: { bug: 'releases the lock before mkdir, and mkdir -p hides the clash: two allocators take the same number', caughtBy: 'allocate' },
    allocate: (root, name, { lockOptions, deps }) => allocateNarrowLock(root, name, { lockOptions }, deps),
  },
  {
    name: 'reserve-unlocked',
    ...honours,
    description: 'an ID reserver that reads the counter, adds and writes it back (atomically) with no lock',
    control: { bug: 'no lock around read, add, write: two reservers hand out the same IDs', caughtBy: 'reserve' },
    reserve: (counters, prefix, count, { deps }) => reserveUnlocked(counters, prefix, count, deps),
  },
  {
    name: 'claim-unlocked',
    ...honours,
    description: 'a registry claimer that finds the next batch and then claims it, with no lock around the two',
    control: { bug: 'find, then claim, outside the lock: two claimers get the same batch', caughtBy: 'claim' },
    claim: (registry, owner, phase, { deps }) => claimUnlocked(registry, owner, phase, deps),
  },
  {
    name: 'write-in-place',
    ...honours,
    description: 'a writer that truncates the target and writes it directly, with no temp file',
    control: { bug: 'writes the target in place: a reader, or a crash, in between sees a torn file', caughtBy: 'atomic-write' },
    write: async (file, data, { deps }) => writeInPlace(file, data, deps),
  },
  {
    name: 'tmp-pid-only',
    ...honours,
    description: 'temp + rename, with the temp named <file>.tmp.<pid>: one name for every thread of a process',
    control: { bug: 'worker threads share one temp name and write it at once: torn or lost writes', caughtBy: 'atomic-write' },
    write: async (file, data, { deps }) => writeTmpPidOnly(file, data, deps),
  },
  {
    name: 'stale-break-naive',
    kind: 'control',
    // It writes this process's own pid into its locks, so no simulated holder of it can be dead.
    honoursDeps: true,
    honoursIdentity: false,
    description: 'a lock that breaks a stale lock the common way: stat it, unlink it by path, create a new one',
    control: { bug: 'two breakers of one stale lock both unlink and create: two holders at once', caughtBy: 'stale-lock' },
    acquire: (lockPath, { lockOptions, deps }) => acquireNaive(lockPath, lockOptions, deps),
  },
  {
    name: 'update-json-unlocked',
    ...honours,
    description: 'a JSON read-modify-write whose write is atomic but which takes no lock around the three steps',
    control: { bug: 'two updaters read the same version and each writes its own next one: lost updates', caughtBy: 'update-json' },
    update: (file, fn, { deps }) => updateJsonUnlocked(file, fn, deps),
  },
  {
    name: 'recover-promote-unverified',
    ...honours,
    description: 'a recovery that publishes the newest leftover temp file if it is not empty (or parses, for JSON)',
    control: { bug: 'a temp torn by a crash is not empty, so recovery publishes a torn file', caughtBy: 'fuzz write' },
    recover: async (file, _writersDead, { deps }) => recoverPromoteUnverified(file, deps),
  },
  {
    name: 'recover-promote-proven',
    ...honours,
    description: 'a recovery that publishes the newest leftover temp proven complete (size and digest) and newer than the target',
    control: { bug: 'republishes the write of a holder whose lock was broken while it stalled: an ID handed out twice', caughtBy: 'fuzz stalled-reserve' },
    recover: (file, writersDead, { lockOptions, deps }) => recoverPromoteProven(file, writersDead ? { lockOptions, minAgeMs: 0 } : { lockOptions }, deps),
  },
  {
    name: 'rename-no-fsync',
    ...honours,
    description: 'temp + rename with no fsync of the file or the directory',
    // Every reader sees whole files, so the atomic-write scenario passes it: only a power loss shows the bug.
    control: { bug: 'after a power loss the rename can survive while the data does not: an empty or lost file', caughtBy: 'fuzz write --power-loss' },
    write: async (file, data, { deps }) => writeRenameNoFsync(file, data, deps),
  },
];
