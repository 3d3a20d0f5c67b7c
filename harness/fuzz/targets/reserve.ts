import fc from 'fast-check';
import { dirname, join } from 'node:path';
import { encodeCounters, parseCounters } from '../../../core/ids/counters.ts';
import type { FsFacade } from '../../../core/fs-facade.ts';
import { idNumber } from '../../../scenarios/workloads/op-values.ts';
import { crashingLockOptions, nextAcquirerOptions } from '../lock-budget.ts';
import { runOps } from '../run-ops.ts';
import type { FuzzTarget, Violation } from '../fuzz-target.ts';
import { nextCallerRule, orphansIn, type FuzzSut } from '../fuzz-sut.ts';
import { describeError, readOrNull, showBytes } from '../tree.ts';

/** Reserve `count` IDs under `prefix`. */
export interface ReserveOp {
  readonly prefix: 'SEC' | 'UX';
  readonly count: number;
}

export const COUNTERS_FILE = 'counters.json';
export const PREFIXES = ['SEC', 'UX'] as const;
const encoder = new TextEncoder();

/** The IDs a reserve's result holds. */
export function idsOf(value: unknown): string[] {
  const ids = (value as { ids?: unknown } | null)?.ids;
  return Array.isArray(ids) ? ids.map(String) : [];
}

/** The counters in `bytes`, or why there are none (missing, or what does not parse). */
export function readCounters(bytes: Uint8Array | null, file: string): Record<string, number> | string {
  if (bytes === null) return 'missing';
  try {
    return { ...parseCounters(bytes, file).counters };
  } catch (err) {
    return `${describeError(err)} (${showBytes(bytes)})`;
  }
}

/**
 * `reserve`: reserveIds by one process that crashes, then a restart: a fresh process reserves again
 * (breaking the dead process's lock at once) and runs `recover`. No ID is ever handed out twice,
 * counting the IDs the crashed process received; the counters always parse and are exactly the
 * acknowledged or the acknowledged-plus-in-flight values; nothing is left behind.
 */
export const reserveTarget: FuzzTarget<ReserveOp> = {
  name: 'reserve',
  description: 'reserveIds by a process that crashes, then a restart that reserves again and recovers: no ID handed out twice, counters parse, nothing left behind',
  uses: ['reserve', 'recover'],
  ops: fc.array(fc.record({ prefix: fc.constantFrom(...PREFIXES), count: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 }),
  parseOps(value) {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const ok = value.every(
      (v) =>
        typeof v === 'object' && v !== null && PREFIXES.includes((v as ReserveOp).prefix) && Number.isInteger((v as ReserveOp).count) && (v as ReserveOp).count >= 1 && (v as ReserveOp).count <= 10000,
    );
    return ok ? value.map((v) => ({ prefix: (v as ReserveOp).prefix, count: (v as ReserveOp).count })) : undefined;
  },
  describeOp: (op) => `reserve ${op.prefix} ${op.count}`,
  setup(fs, root) {
    const fd = fs.openExclusive(join(root, COUNTERS_FILE));
    fs.write(fd, encoder.encode(encodeCounters({ SEC: 0, UX: 0 }, {}, '2026-01-01T00:00:00.000Z')));
    fs.close(fd);
  },
  run(ops, env, events) {
    const file = join(env.root, COUNTERS_FILE);
    return runOps(ops, env, events, (op) => env.sut.reserve(file, op.prefix, op.count, { lockOptions: crashingLockOptions(0), deps: env.deps }));
  },
  async recoverAndCheck(env) {
    const { fs } = env.deps;
    const file = join(env.root, COUNTERS_FILE);
    const violations: Violation[] = [];
    const issued: { id: string; by: string }[] = [];
    for (const [i, value] of env.acked) for (const id of idsOf(value)) issued.push({ id, by: `op ${i} (before the crash)` });

    const found = readCounters(readOrNull(fs, file), file);
    if (typeof found === 'string') {
      violations.push({ invariant: 'counters-parse', message: `after the crash, ${COUNTERS_FILE} is ${found}` });
    } else {
      for (const prefix of PREFIXES) {
        const acked = [...env.acked.keys()].reduce((n, i) => n + (env.ops[i]!.prefix === prefix ? env.ops[i]!.count : 0), 0);
        const f = env.inFlight === null ? null : env.ops[env.inFlight]!;
        const allowed = f !== null && f.prefix === prefix ? [acked, acked + f.count] : [acked];
        if (!allowed.includes(found[prefix] ?? 0)) {
          violations.push({ invariant: 'counter-old-or-new', message: `after the crash, counter ${prefix} is ${found[prefix]}, expected ${allowed.join(' or ')}` });
        }
      }
    }

    const lock = nextAcquirerOptions();
    for (const prefix of PREFIXES) {
      try {
        const r = await env.sut.reserve(file, prefix, 1, { lockOptions: lock.options, deps: env.deps });
        for (const id of r.ids) issued.push({ id, by: 'the restarted reserver' });
      } catch (err) {
        violations.push({
          invariant: 'restart-reserves',
          message: `the restarted reserver's reserve ${prefix} 1 failed: ${describeError(err)} (${nextCallerRule(env.sut, lock.reason)})`,
        });
        return violations;
      }
    }
    try {
      await env.sut.recover(file, true, { lockOptions: lock.options, deps: env.deps });
    } catch (err) {
      violations.push({ invariant: 'recovery-completes', message: `recover failed: ${describeError(err)}` });
      return violations;
    }

    return [...violations, ...checkIssued(fs, file, issued, env.sut)];
  },
};

/**
 * The invariants over every ID handed out, once recovery and the restarted reserver are done: no
 * ID twice, the counters parse and cover each ID, nothing is left beside the counters file.
 */
export function checkIssued(fs: FsFacade, file: string, issued: readonly { readonly id: string; readonly by: string }[], sut: FuzzSut): Violation[] {
  const violations: Violation[] = [];
  const seen = new Map<string, string>();
  for (const { id, by } of issued) {
    const first = seen.get(id);
    if (first !== undefined) violations.push({ invariant: 'ids-unique', message: `${id} was handed out twice: to ${first} and to ${by}` });
    else seen.set(id, by);
  }
  const after = readCounters(readOrNull(fs, file), file);
  if (typeof after === 'string') {
    violations.push({ invariant: 'counters-parse', message: `after recovery, ${COUNTERS_FILE} is ${after}` });
  } else {
    for (const { id } of issued) {
      const prefix = id.slice(0, id.lastIndexOf('-'));
      if ((after[prefix] ?? 0) < idNumber(id)) violations.push({ invariant: 'counter-covers-issued', message: `after recovery, counter ${prefix} is ${after[prefix]}, below the issued ${id}` });
    }
  }
  const orphans = orphansIn(sut, fs, dirname(file), (n) => n === COUNTERS_FILE);
  if (orphans.length > 0) violations.push({ invariant: 'no-orphans', message: `after recovery, left beside ${COUNTERS_FILE}: ${orphans.join(', ')}` });
  return violations;
}
