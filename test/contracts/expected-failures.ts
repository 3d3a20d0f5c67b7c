// The one place that says which contract cases a registered system under test is expected to fail.
// Every case not named here must pass; a case named here must fail. So a control that stops
// failing its case, or starts failing another, fails the suite.
import type { SutOperation } from '../../scenarios/suts/sut.ts';

/** Each contract, by the operation whose implementations it runs against. */
export const CONTRACT_OPERATIONS = {
  allocator: 'allocate',
  reserver: 'reserve',
  claimer: 'claim',
  'atomic-write': 'write',
  'update-json': 'update',
  lock: 'acquire',
} as const satisfies Record<string, SutOperation>;

export type ContractName = keyof typeof CONTRACT_OPERATIONS;

/** What a system under test does on a contract's cases besides passing them. */
export interface Expected {
  /** The ids of the cases it must fail. */
  readonly fails?: readonly string[];
  /** Cases not run against it, by id, with the reason (each would take minutes against it). */
  readonly skips?: Readonly<Record<string, string>>;
}

const PROPER_LOCKFILE_WAITS = 'proper-lockfile waits out its 1000 retries (about 20 s) whatever timeout the case gives';

// Contending threads start together at a barrier; processes start at a wall-clock instant, and on a
// loaded machine one may finish all its operations before another begins, so a race may not show.
const PROCESSES_MAY_NOT_OVERLAP = 'its processes race only if they overlap, which a loaded machine does not promise (the threads case shows the race every time)';

/** By system under test, then by contract. A system under test not named here passes every case. */
export const EXPECTED: Readonly<Record<string, Partial<Record<ContractName, Expected>>>> = {
  'allocate-narrow-lock': { allocator: { fails: ['threads-unique'], skips: { 'processes-unique': PROCESSES_MAY_NOT_OVERLAP } } },
  'reserve-unlocked': { reserver: { fails: ['threads-unique'], skips: { 'processes-unique': PROCESSES_MAY_NOT_OVERLAP } } },
  'claim-unlocked': { claimer: { fails: ['threads-once', 'threads-implement-once'], skips: { 'processes-once': PROCESSES_MAY_NOT_OVERLAP } } },
  // In place: a failed or crashed write leaves the target torn, and readers see torn files.
  'write-in-place': { 'atomic-write': { fails: ['failed-write', 'crash-mid-write', 'threads-concurrent', 'processes-concurrent'] } },
  // Its temp is left behind by a failed write; threads share it (processes do not).
  'tmp-pid-only': { 'atomic-write': { fails: ['failed-write', 'threads-concurrent'] } },
  // Its temp is left behind by a failed write; its real bug shows only after a power loss (the fuzzer's).
  'rename-no-fsync': { 'atomic-write': { fails: ['failed-write'] } },
  'update-json-unlocked': { 'update-json': { fails: ['threads-no-lost-updates'], skips: { 'processes-no-lost-updates': PROCESSES_MAY_NOT_OVERLAP } } },
  'stale-break-naive': { lock: { fails: ['stale-break-race'] } },
  // It breaks any lock older than 5 s, held or foreign, through a symlink too, and times out after 5 s whatever it is told.
  'spec-spin': {
    lock: {
      fails: ['held-lock-waits', 'symlink-untouched', 'foreign-file-refused', 'other-pid-space-not-dead'],
      skips: { 'stale-break-race': "it breaks a lock only once it is 5 s old, so the case's 96 breaks would take 8 minutes" },
    },
  },
  'pg-reserve-unlocked': { reserver: { fails: ['threads-unique'], skips: { 'processes-unique': PROCESSES_MAY_NOT_OVERLAP } } },
  'pg-claim-naive': { claimer: { fails: ['threads-once', 'threads-implement-once'], skips: { 'processes-once': PROCESSES_MAY_NOT_OVERLAP } } },
  // The store's lock is a lease row named by the path: it never reads, breaks or writes a file there.
  postgres: {
    lock: {
      skips: {
        'stale-break-race':
          "its holders die leaving lock files; a store lock's dead holder is outlived by its lease (5 s), so 96 takeovers would take 8 minutes (run lock --store postgres --kill-rate covers takeover)",
        'dead-holder-broken': "it plants a dead holder's lock file and expects it replaced; the store lock never writes a file at the path, and cannot prove a holder dead: its lease must run out",
        'foreign-file-refused': 'it expects a foreign file at the lock path to block the lock; to the store lock the path is a row name, and the file is left untouched',
        'other-pid-space-not-dead': 'it plants a lock file with a pid from another PID namespace; the store lock judges no pid, only its lease',
      },
    },
  },
  // Its bug shows only under a partition (run lock --sut pg-lock-advisory --partition); in one process, it excludes.
  'pg-lock-advisory': {
    lock: {
      skips: {
        'stale-break-race':
          'its holders die leaving lock files behind and their locks held in this process; an advisory lock lives as long as its session, which nothing here ends, so each waiter waits out its timeout',
        'dead-holder-broken': "it plants a dead holder's lock file and expects it replaced; the advisory lock never writes a file at the path",
        'foreign-file-refused': 'it expects a foreign file at the lock path to block the lock; to the advisory lock the path is a key, and the file is left untouched',
        'symlink-untouched': 'it expects a symlink at the lock path to block the lock; to the advisory lock the path is a key: it takes the lock and never touches the link',
        'other-pid-space-not-dead': 'it plants a lock file with a pid from another PID namespace; the advisory lock judges no pid',
      },
    },
  },
  'proper-lockfile': {
    lock: {
      skips: {
        'stale-break-race': 'its lock is a directory: it waits about 20 s on each lock file the dead holders leave, then fails',
        'dead-holder-broken': PROPER_LOCKFILE_WAITS,
        'held-lock-waits': PROPER_LOCKFILE_WAITS,
        'symlink-untouched': PROPER_LOCKFILE_WAITS,
        'foreign-file-refused': PROPER_LOCKFILE_WAITS,
        'other-pid-space-not-dead': PROPER_LOCKFILE_WAITS,
      },
    },
  },
};
