// The rows of the contention sweep, taken from the registry of systems under test: the core's own
// operation, each lock (the core's and the peers') wrapped around the same critical section, and a
// peer that runs as a script (flock(1) from bash, flock(2) from Python). Which rows apply depends
// on the operation (a lock-free write has no lock rows) and the isolation (a bash script is a
// process, never a thread; the kernel's flock is the reference beside threads too). With `--store`,
// the PostgreSQL store's own reserve and claim are rows too, beside the file core.
import { performance } from 'node:perf_hooks';
import { SUTS } from '../../scenarios/suts/index.ts';
import type { ScriptLoop, Sut } from '../../scenarios/suts/sut.ts';
import { scriptUnavailable } from './flock-runner.ts';
import { BENCH_OP_TABLE, LOCK_TIMEOUT_MS, type BenchOp, type OpContext, type OpTiming } from './bench-ops.ts';
import type { BenchIsolation } from './bench-types.ts';

/** The bench operations the store rows run. */
export const STORE_OPS = Object.values(BENCH_OP_TABLE)
  .filter((op) => op.store !== undefined)
  .map((op) => op.name);

/** The core's own operation (e.g. `reserveIds`), timed by its lock observer. */
export const CORE_IMPL = 'core';
/** The script a row runs (flock(1) from bash, flock(2) from Python), or null for a row in this process. */
export function scriptOf(name: string): ScriptLoop | null {
  const row = rowNamed(name);
  return row?.how === 'script' ? row.sut.script! : null;
}

/**
 * How a row runs its system under test: its own implementation of the operation, its lock around
 * the common critical section, or its bash script.
 */
interface Row {
  readonly name: string;
  readonly sut: Sut;
  readonly how: 'operation' | 'lock' | 'script' | 'store';
}

/** The operations of the bench other than taking a lock (a lock is its own kind of row). */
const BENCH_OPERATIONS = new Set(
  Object.values(BENCH_OP_TABLE)
    .map((op) => op.operation)
    .filter((op) => op !== 'acquire'),
);

/**
 * The rows of every system under test worth comparing (the core and the peers; a control is broken
 * on purpose): a row of its own operation, named after it; a row of its lock, named after it too,
 * or `<name>-lock` beside a row of its own operation; a row of its script.
 */
function benchRows(): Row[] {
  const stores = SUTS.filter((s) => s.kind === 'store').map((sut) => ({ name: sut.name, sut, how: 'store' as const }));
  const files = SUTS.filter((s) => s.kind === 'core' || s.kind === 'peer').flatMap((sut): Row[] => {
    const own = [...BENCH_OPERATIONS].some((op) => typeof sut[op] === 'function');
    return [
      ...(own ? [{ name: sut.name, sut, how: 'operation' as const }] : []),
      ...(sut.acquire !== undefined ? [{ name: own ? `${sut.name}-lock` : sut.name, sut, how: 'lock' as const }] : []),
      ...(sut.script !== undefined ? [{ name: sut.name, sut, how: 'script' as const }] : []),
    ];
  });
  return [...files, ...stores];
}

const ROWS = benchRows();

/** Every row name, in the order the reports show them; the store's rows only when `withStore`. */
export function implNames(withStore = true): string[] {
  return ROWS.filter((r) => withStore || r.how !== 'store').map((r) => r.name);
}

/** The rows that run on the PostgreSQL store (they need `--store`). */
export function storeImplNames(): string[] {
  return ROWS.filter((r) => r.how === 'store').map((r) => r.name);
}

/** Whether the row `name` runs on the PostgreSQL store. */
export function isStoreImpl(name: string): boolean {
  return rowNamed(name)?.how === 'store';
}

function rowNamed(name: string): Row | undefined {
  return ROWS.find((r) => r.name === name);
}

/** What the row `name` is, for the reports. */
export function describeImpl(name: string, op: BenchOp): string {
  const row = rowNamed(name);
  if (row === undefined) return name;
  if (row.how === 'operation') return `${row.sut.name}'s own ${op.operation}: ${op.describe}`;
  if (row.how === 'store') return `${row.sut.name}'s own ${op.operation}, a pool of 2 connections per worker: ${op.store?.describe ?? 'not implemented'}`;
  if (row.how === 'lock' && row.name !== row.sut.name)
    return `${row.sut.name}'s lock alone (its acquire, default options) around the same critical section as the other lock rows, without the rest of its ${op.operation}`;
  return row.sut.description;
}

/** Why the row `name` cannot run for `op` under `isolation` (with a store server or not), or null when it can. */
export function skipReason(name: string, op: BenchOp, isolation: BenchIsolation, withStore = false): string | null {
  const row = rowNamed(name);
  if (row === undefined) return `unknown implementation (known: ${implNames().join(', ')})`;
  if (row.how === 'store') {
    if (op.store === undefined) return `the store implements ${STORE_OPS.join(' and ')} only`;
    return withStore ? null : 'runs on PostgreSQL: racetrack bench --store postgres (or --store URL)';
  }
  if (row.how === 'operation') return typeof row.sut[op.operation] === 'function' ? null : `${name} does not implement ${op.operation}`;
  if (op.critical === null) return `${op.name} takes no lock, so there is no lock to compare`;
  if (row.how === 'lock' && op.operation === 'acquire' && rowNamed(row.sut.name)?.how === 'operation') return `the ${row.sut.name} row is this lock already for --op ${op.name}`;
  if (row.how === 'script') {
    const script = row.sut.script!;
    if (isolation !== 'process' && script.withThreads !== true) return `${name} runs from ${script.interpreter}, one process per worker: only with --isolation process`;
    if (!script.ops.includes(op.name)) return `the ${script.interpreter} script implements ${script.ops.join(', ')} only`;
    return scriptUnavailable(script);
  }
  return null;
}

/**
 * The operation one in-process worker loops: the system under test's own operation, or the
 * critical section inside its lock (wait = acquire call, hold = critical section; the release
 * counts in the op time only, as the core's hold ends when its release starts).
 */
export async function operationFor(name: string, op: BenchOp): Promise<(ctx: OpContext) => Promise<OpTiming>> {
  const row = rowNamed(name);
  const critical = op.critical;
  if (row === undefined || row.how === 'script' || (row.how === 'lock' && critical === null) || (row.how === 'store' && op.store === undefined))
    throw new Error(`${name} cannot run ${op.name} in this process`);
  const { sut } = row;
  await sut.prepare?.();
  if (row.how === 'store') return (ctx) => op.store!.run(ctx);
  if (row.how === 'operation') return (ctx) => op.run(sut, ctx);
  return async (ctx) => {
    const lockPath = op.lockPath(ctx.dir)!;
    const t0 = performance.now();
    const lock = await sut.acquire!(lockPath, { lockOptions: { timeoutMs: LOCK_TIMEOUT_MS }, deps: ctx.deps });
    const t1 = performance.now();
    let t2: number;
    try {
      critical!(ctx);
    } finally {
      t2 = performance.now();
      await lock.release();
    }
    return { waitMs: t1 - t0, holdMs: t2 - t1 };
  };
}
