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
    description: 'allocator whose lock covers the scan but not the mkdir -p',
    bug: 'lock released before mkdir (seed 003 "before")',
    scenario: 'allocate',
    status: 'ready',
    create: () => ({ name: 'allocate-narrow-lock', allocate: (root, name, hooks) => allocateNarrowLock(root, name, { lockOptions: hooks.lockOptions }) }),
  },
  {
    name: 'reserve-unlocked',
    description: 'reserver that reads the counter, adds and writes without a lock',
    bug: 'read max, add one, no lock (seed 002 "old workflow")',
    scenario: 'reserve',
    status: 'ready',
    create: () => ({ name: 'reserve-unlocked', reserve: (counters, prefix, count) => reserveUnlocked(counters, prefix, count) }),
  },
  {
    name: 'claim-unlocked',
    description: 'claimer that finds and claims outside the lock',
    bug: 'find, then claim, outside the lock (seed 000)',
    scenario: 'claim',
    status: 'ready',
    create: () => ({ name: 'claim-unlocked', claim: (registry, owner) => claimUnlocked(registry, owner) }),
  },
  {
    name: 'write-in-place',
    description: 'writer that truncates and writes the target directly',
    bug: 'writes the target in place (torn file for a reader or a crash)',
    scenario: 'atomic-write',
    status: 'ready',
    create: () => ({ name: 'write-in-place', write: async (file, data) => writeInPlace(file, data) }),
  },
  {
    name: 'tmp-pid-only',
    description: 'temp + rename with a temp named <file>.tmp.<pid>, shared by threads',
    bug: 'pid-only temp name, shared by worker threads (seed 001)',
    scenario: 'atomic-write',
    status: 'ready',
    create: () => ({ name: 'tmp-pid-only', write: async (file, data) => writeTmpPidOnly(file, data) }),
  },
  {
    name: 'stale-break-naive',
    description: 'lock that breaks a stale lock with stat, unlink by path, create',
    bug: 'naive stale break: stat, unlink, create (two holders)',
    scenario: 'stale-lock',
    status: 'ready',
    create: () => ({ name: 'stale-break-naive', acquire: (path, hooks) => acquireNaive(path, hooks.lockOptions) }),
  },
  {
    name: 'update-json-unlocked',
    description: 'JSON read-modify-write, each write atomic, with no lock around it',
    bug: 'update_json_atomic without a lock (seed 001): lost updates',
    scenario: 'update-json',
    status: 'ready',
    create: () => ({ name: 'update-json-unlocked', update: (file, fn) => updateJsonUnlocked(file, fn) }),
  },
  {
    name: 'recover-promote-unverified',
    description: 'recovery that promotes the newest non-empty temp',
    bug: 'promotes an unverified temp (seed 001): torn file after recovery',
    scenario: 'fuzz write',
    status: 'ready',
    create: () => ({ name: 'recover-promote-unverified' }),
  },
  {
    name: 'recover-promote-proven',
    description: 'recovery that promotes the newest temp proven complete (size and digest) and newer than the target',
    bug: 'republishes the write of a holder whose lock was broken: an ID handed out twice',
    scenario: 'fuzz stalled-reserve',
    status: 'ready',
    create: () => ({ name: 'recover-promote-proven' }),
  },
  {
    name: 'rename-no-fsync',
    description: 'temp + rename with no fsync of the file or the directory',
    bug: 'rename without fsync: lost or empty file after power loss',
    scenario: 'fuzz write --power-loss',
    status: 'ready',
    // Every reader sees whole files, so the atomic-write scenario passes it: only a power loss shows the bug.
    create: () => ({ name: 'rename-no-fsync', write: async (file, data) => writeRenameNoFsync(file, data) }),
  },
];
