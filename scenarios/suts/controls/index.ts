import type { SutEntry } from '../sut.ts';
import { allocateNarrowLock } from './allocate-narrow-lock.ts';
import { claimUnlocked } from './claim-unlocked.ts';
import { reserveUnlocked } from './reserve-unlocked.ts';
import { acquireNaive } from './stale-break-naive.ts';
import { writeTmpPidOnly } from './tmp-pid-only.ts';
import { updateJsonUnlocked } from './update-json-unlocked.ts';
import { writeInPlace } from './write-in-place.ts';
import { writeRenameNoFsync } from './rename-no-fsync.ts';

/**
 * The known-broken controls, each a system under test that really contains its bug (DESIGN.md,
 * "Known-broken controls"). `racetrack selftest` runs each through its scenario and must see it
 * fail; a control whose bug only shows after a crash or a power loss stays pending until the fault
 * machinery can show it.
 */
export const CONTROLS: readonly SutEntry[] = [
  {
    name: 'allocate-narrow-lock',
    description: 'an allocator whose lock covers the scan for the highest number but not the mkdir -p that creates the directory',
    bug: 'the lock is released before mkdir, so two workers take the same number (the allocation spec\'s "before" version)',
    scenario: 'allocate',
    status: 'ready',
    create: () => ({ name: 'allocate-narrow-lock', allocate: (root, name, hooks) => allocateNarrowLock(root, name, { lockOptions: hooks.lockOptions }) }),
  },
  {
    name: 'reserve-unlocked',
    description: 'a reserver that reads the counter, adds and writes it back without a lock',
    bug: 'read, add, write with no lock, so two workers get the same IDs (the ID-reservation spec\'s "old workflow")',
    scenario: 'reserve',
    status: 'ready',
    create: () => ({ name: 'reserve-unlocked', reserve: (counters, prefix, count) => reserveUnlocked(counters, prefix, count) }),
  },
  {
    name: 'claim-unlocked',
    description: 'a claimer that finds the next batch and claims it outside the lock',
    bug: 'find, then claim, outside the lock, so two workers claim the same batch',
    scenario: 'claim',
    status: 'ready',
    create: () => ({ name: 'claim-unlocked', claim: (registry, owner) => claimUnlocked(registry, owner) }),
  },
  {
    name: 'write-in-place',
    description: 'a writer that truncates the target and writes it directly',
    bug: 'writes the target in place, so a reader or a crash sees a torn file',
    scenario: 'atomic-write',
    status: 'ready',
    create: () => ({ name: 'write-in-place', write: async (file, data) => writeInPlace(file, data) }),
  },
  {
    name: 'tmp-pid-only',
    description: 'temp + rename, with the temp named <file>.tmp.<pid>, a name the worker threads of one process share',
    bug: 'a pid-only temp name (as in the atomic-write spec), so threads of one process write the same temp and writes tear or vanish',
    scenario: 'atomic-write',
    status: 'ready',
    create: () => ({ name: 'tmp-pid-only', write: async (file, data) => writeTmpPidOnly(file, data) }),
  },
  {
    name: 'stale-break-naive',
    description: 'a lock that breaks a stale lock by stat, unlink by path, create',
    bug: 'between its stat and its unlink another breaker\'s fresh lock takes the path, and is deleted: two holders at once',
    scenario: 'stale-lock',
    status: 'ready',
    create: () => ({ name: 'stale-break-naive', acquire: (path, hooks) => acquireNaive(path, hooks.lockOptions) }),
  },
  {
    name: 'update-json-unlocked',
    description: 'JSON read-modify-write, each write atomic, with no lock around it',
    bug: 'no lock around read-modify-write (the atomic-write spec\'s update_json_atomic), so concurrent updates are lost',
    scenario: 'update-json',
    status: 'ready',
    create: () => ({ name: 'update-json-unlocked', update: (file, fn) => updateJsonUnlocked(file, fn) }),
  },
  {
    name: 'recover-promote-unverified',
    description: 'a recovery that promotes the newest non-empty temp over the target',
    bug: 'promotes a temp without proof that it is complete (the atomic-write spec\'s recovery), so a crash mid-write leaves a torn file',
    scenario: 'fuzz write',
    status: 'ready',
    create: () => ({ name: 'recover-promote-unverified' }),
  },
  {
    name: 'recover-promote-proven',
    description: 'a recovery that promotes the newest temp proven complete (size and digest) and newer than the target',
    bug: 'republishes the write of a holder whose lock was broken, setting the counter back: an ID handed out twice',
    scenario: 'fuzz stalled-reserve',
    status: 'ready',
    create: () => ({ name: 'recover-promote-proven' }),
  },
  {
    name: 'rename-no-fsync',
    description: 'temp + rename with no fsync of the file or the directory',
    bug: 'no fsync of the file or its directory, so after a power loss the file is lost or empty',
    scenario: 'fuzz write --power-loss',
    status: 'ready',
    // Every reader sees whole files, so the atomic-write scenario passes it: only a power loss shows the bug.
    create: () => ({ name: 'rename-no-fsync', write: async (file, data) => writeRenameNoFsync(file, data) }),
  },
];
