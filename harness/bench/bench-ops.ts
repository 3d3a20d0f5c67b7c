// The operations the contention sweep runs. Each calls a system under test's own operation (the
// core's reports its lock wait and hold through the lock observer) and, for the lock rows, has the
// same work as a bare critical section that a lock is wrapped around: read, change, write
// atomically, nothing else.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatTopicNumber, highestTopicNumber, TOPIC_LOCK_NAME } from '../../core/topics/allocator.ts';
import { writeAtomic } from '../../core/write/atomic-write.ts';
import { applyClaim, selectClaim } from '../../core/registry/claim-rules.ts';
import { DEFAULT_LEASE_MS } from '../../core/registry/claimer.ts';
import { lockFileFor } from '../../core/lock/lock-path.ts';
import { encodeCounters, readCounters } from '../../core/ids/counters.ts';
import type { Deps } from '../../core/deps.ts';
import type { LockObserver, LockOptions } from '../../core/lock/lock.ts';
import { readEntries } from '../../core/registry/entries.ts';
import { parseRegistry, renderRegistry } from '../../core/registry/table.ts';
import type { Sut, SutOperation } from '../../scenarios/suts/sut.ts';
import { registryText } from '../../scenarios/workloads/claim.ts';
import { countersStore, registryStore, withRoundStore } from '../../scenarios/suts/store/store-sut.ts';
import type { BenchOpName } from './bench-types.ts';

/** What one worker's operation knows: the run's directory, who it is, and how to write. */
export interface OpContext {
  readonly dir: string;
  readonly worker: number;
  readonly durable: boolean;
  readonly deps: Deps;
}

/** Lock timings of one operation, in ms; null for an operation that takes no lock. */
export interface OpTiming {
  readonly waitMs: number | null;
  readonly holdMs: number | null;
}

/** One contended operation. */
export interface BenchOp {
  readonly name: BenchOpName;
  readonly describe: string;
  /** Creates the shared files of one run in the (empty) `dir`. */
  setup(dir: string, workers: number): void;
  /** The operation of a system under test that it calls. */
  readonly operation: SutOperation;
  /** The lock every implementation contends on; null when the operation takes none (no lock rows then). */
  lockPath(dir: string): string | null;
  /** The operation through `sut`'s own implementation of it, timed by the lock observer it is handed. */
  run(sut: Sut, ctx: OpContext): Promise<OpTiming>;
  /** The work under the lock, for a lock row to wrap with its lock; null when there is no lock. */
  readonly critical: ((ctx: OpContext) => void) | null;
  /** The file a script row (flock from bash or Python) reads and rewrites under the lock; absent when no script implements the op. */
  sharedFile?(dir: string): string;
  /** After a run: why the shared file disagrees with `ops` (allowing `errors` that may or may not have landed), or null. */
  verify?(dir: string, ops: number, errors: number): string | null;
  /** The operation on the PostgreSQL store (a store row, `bench --store`); absent when the store has no such operation. */
  readonly store?: StoreBenchOp;
}

/**
 * The operation as a user of the PostgreSQL store calls it: the store's own call on a pooled
 * connection, nothing else (the harness's export of the store's state into a file, which `run`
 * needs for its checkers, is not timed). The schema is the round directory's, imported from the
 * files `setup` wrote on a worker's first call.
 */
export interface StoreBenchOp {
  readonly describe: string;
  run(ctx: OpContext): Promise<OpTiming>;
  /** After a run: why the store's state disagrees with `ops` (allowing `errors`), or null. */
  verify?(dir: string, ops: number, errors: number): Promise<string | null>;
}

/** An operation of the store takes no racetrack lock: the server's row locks order it. */
const NO_LOCK: OpTiming = { waitMs: null, holdMs: null };

const PREFIX = 'SEC';
const COUNTERS = 'counters.json';

/** The counters file of a reserve run in `dir` (the flock script reads and writes it too). */
export function countersFileIn(dir: string): string {
  return join(dir, COUNTERS);
}
const REGISTRY = 'REGISTRY.md';
const TOPICS = 'topics';
const WRITTEN = 'state.json';
/** The timeout every lock gets in the bench: never the limit, so a slow run shows up as wait, not errors. */
export const LOCK_TIMEOUT_MS = 60_000;

/** Collects one operation's wait and hold from the core lock's observer. */
function timingObserver(): { observer: LockObserver; timing(): OpTiming } {
  let waitMs: number | null = null;
  let acquiredAt = 0;
  let holdMs: number | null = null;
  return {
    observer: {
      acquired: (e) => {
        waitMs = e.waitedMs;
        acquiredAt = e.at;
      },
      releasing: (e) => {
        holdMs = e.at - acquiredAt;
      },
    },
    timing: () => ({ waitMs, holdMs }),
  };
}

/** Runs `call` with lock options that time its lock, and returns the timing (nulls when it took no lock). */
async function timed(call: (lockOptions: LockOptions) => Promise<unknown>): Promise<OpTiming> {
  const t = timingObserver();
  await call({ observer: t.observer, timeoutMs: LOCK_TIMEOUT_MS });
  return t.timing();
}

function within(what: string, actual: number, ops: number, errors: number): string | null {
  return actual >= ops && actual <= ops + errors ? null : `${what} is ${actual} after ${ops} operations (and ${errors} errors)`;
}

const reserve: BenchOp = {
  name: 'reserve',
  describe: 'reserve 1 ID: lock, read the counters JSON, bump, write it atomically, unlock',
  setup(dir) {
    writeFileSync(join(dir, COUNTERS), encodeCounters({ [PREFIX]: 0 }, {}, new Date().toISOString()));
  },
  operation: 'reserve',
  lockPath: (dir) => lockFileFor(join(dir, COUNTERS)),
  sharedFile: countersFileIn,
  run: (sut, { dir, durable, deps }) => timed((lockOptions) => sut.reserve!(join(dir, COUNTERS), PREFIX, 1, { lockOptions, deps, durable })),
  critical({ dir, durable, deps }) {
    const file = join(dir, COUNTERS);
    const state = readCounters(file, deps);
    const counters = { ...state.counters, [PREFIX]: (state.counters[PREFIX] ?? 0) + 1 };
    writeAtomic(file, encodeCounters(counters, state.extra, new Date().toISOString()), { durable }, deps);
  },
  verify(dir, ops, errors) {
    return within(`the ${PREFIX} counter`, readCounters(join(dir, COUNTERS)).counters[PREFIX] ?? 0, ops, errors);
  },
  store: {
    describe: 'reserve 1 ID: one INSERT … ON CONFLICT DO UPDATE SET value = value + 1 RETURNING value, committed before it returns',
    async run({ dir }) {
      const store = await countersStore(join(dir, COUNTERS));
      await store.reserve(PREFIX, 1);
      return NO_LOCK;
    },
    async verify(dir, ops, errors) {
      const counters = await withRoundStore(dir, (store) => store.readCounters());
      return within(`the store's ${PREFIX} counter`, counters[PREFIX] ?? 0, ops, errors);
    },
  },
};

const allocate: BenchOp = {
  name: 'allocate',
  describe: 'allocate a topic: lock, scan NNN_* entries, mkdir max+1, fsync the root, unlock (the root grows during the run)',
  setup(dir) {
    mkdirSync(join(dir, TOPICS));
  },
  operation: 'allocate',
  lockPath: (dir) => join(dir, TOPICS, TOPIC_LOCK_NAME),
  run: (sut, { dir, worker, durable, deps }) => timed((lockOptions) => sut.allocate!(join(dir, TOPICS), `w${worker}`, { lockOptions, deps, durable })),
  critical({ dir, worker, durable, deps }) {
    const root = join(dir, TOPICS);
    const number = formatTopicNumber(highestTopicNumber(deps.fs.readdir(root)) + 1n);
    deps.fs.mkdir(join(root, `${number}_w${worker}`));
    if (durable) deps.fs.fsyncDir(root);
  },
  verify(dir, ops, errors) {
    return within('the number of topic directories', readdirSync(join(dir, TOPICS)).filter((e) => /^\d{3,}_/.test(e)).length, ops, errors);
  },
};

const claim: BenchOp = {
  name: 'claim',
  describe: 'claim a batch (implement phase): lock, parse the registry table, pick (each worker resumes its own batch), rewrite it atomically, unlock',
  setup(dir, workers) {
    writeFileSync(join(dir, REGISTRY), registryText(workers + 2));
  },
  operation: 'claim',
  lockPath: (dir) => lockFileFor(join(dir, REGISTRY)),
  run: (sut, { dir, worker, durable, deps }) =>
    timed(async (lockOptions) => {
      const found = await sut.claim!(join(dir, REGISTRY), `w${worker}`, 'implement', { lockOptions, deps, durable });
      if (found === null) throw new Error('no work found in the bench registry');
    }),
  critical({ dir, worker, durable, deps }) {
    const file = join(dir, REGISTRY);
    const owner = `w${worker}`;
    const table = parseRegistry(new TextDecoder().decode(deps.fs.readFile(file)));
    const now = Date.now();
    const pick = selectClaim(readEntries(table), 'implement', { owner, now, leaseMs: DEFAULT_LEASE_MS });
    if (pick === null) throw new Error('no work found in the bench registry');
    writeAtomic(file, renderRegistry(applyClaim(table, pick, owner, new Date(now).toISOString())), { durable }, deps);
  },
  store: {
    describe: 'claim a batch (implement phase): read the rows, pick by the same rules, lock the batch FOR UPDATE SKIP LOCKED, re-read and update its rows, commit',
    async run({ dir, worker }) {
      const store = await registryStore(join(dir, REGISTRY));
      const found = await store.claim({ owner: `w${worker}`, phase: 'implement', leaseMs: DEFAULT_LEASE_MS });
      if (!found.found) throw new Error('no work found in the bench registry');
      return NO_LOCK;
    },
  },
};

const PAYLOAD = new TextEncoder().encode(`${JSON.stringify({ state: 'x'.repeat(1000) })}\n`);

const write: BenchOp = {
  name: 'write',
  describe: 'write-atomic a 1 KiB file that every worker replaces (temp, fsync, rename, fsync dir); no lock, so no peers',
  setup(dir) {
    writeFileSync(join(dir, WRITTEN), PAYLOAD);
  },
  operation: 'write',
  lockPath: () => null,
  run: (sut, { dir, durable, deps }) => timed((lockOptions) => sut.write!(join(dir, WRITTEN), PAYLOAD, { lockOptions, deps, durable })),
  critical: null,
};

const COUNTER = 'counter';

/** The counter file of a lock run in `dir`: a decimal number and a newline (the lock peers' scripts read and rewrite it too). */
export function counterFileIn(dir: string): string {
  return join(dir, COUNTER);
}

/** The lock file every row of a lock run contends on. */
export function lockRunLockPath(dir: string): string {
  return lockFileFor(counterFileIn(dir));
}

/** The number in a lock run's counter file; NaN when it does not hold one. */
function parseCounter(text: string): number {
  return /^\d+\n$/.test(text) ? Number(text) : Number.NaN;
}

/** The lock alone: the same small critical section in every row, so that the lock is the bottleneck. */
const lock: BenchOp = {
  name: 'lock',
  describe: 'the lock alone: acquire, open the counter file, read it and write the next number over it (no truncate, no fsync, no rename), close, release',
  setup(dir) {
    writeFileSync(counterFileIn(dir), '0\n');
  },
  operation: 'acquire',
  lockPath: lockRunLockPath,
  sharedFile: counterFileIn,
  run: (sut, ctx) =>
    timed(async (lockOptions) => {
      const held = await sut.acquire!(lockRunLockPath(ctx.dir), { lockOptions, deps: ctx.deps });
      try {
        lock.critical!(ctx);
      } finally {
        await held.release();
      }
    }),
  critical({ dir }) {
    // One open, read-write without truncating (a truncate costs a journal transaction on ext4,
    // which would be measured instead of the lock): the next number is never shorter.
    const file = counterFileIn(dir);
    const fd = openSync(file, 'r+');
    try {
      const buffer = Buffer.alloc(32);
      const n = parseCounter(buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0)));
      if (!Number.isSafeInteger(n)) throw new Error(`the counter file ${file} does not hold a number`);
      writeSync(fd, `${n + 1}\n`, 0);
    } finally {
      closeSync(fd);
    }
  },
  verify(dir, ops, errors) {
    return within('the counter', parseCounter(readFileSync(counterFileIn(dir), 'utf8')), ops, errors);
  },
};

/** Every contended operation, by name. */
export const BENCH_OP_TABLE: Readonly<Record<BenchOpName, BenchOp>> = { reserve, allocate, claim, write, lock };
