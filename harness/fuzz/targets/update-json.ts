import fc from 'fast-check';
import { join } from 'node:path';
import { crashingLockOptions } from '../lock-budget.ts';
import { recoverAfterCrash } from '../recovery-step.ts';
import { runOps } from '../run-ops.ts';
import type { FuzzTarget, RecoveryEnv, Violation } from '../fuzz-target.ts';
import { orphansIn } from '../fuzz-sut.ts';
import { describeError, readOrNull, showBytes } from '../tree.ts';

/** Add `add` to the JSON file's count (read, modify, write under the lock). */
export interface UpdateOp {
  readonly add: number;
}

export const JSON_FILE = 'data.json';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function countOf(bytes: Uint8Array | null): number | string {
  if (bytes === null) return 'missing';
  try {
    const v = JSON.parse(decoder.decode(bytes)) as { count?: unknown };
    return typeof v.count === 'number' ? v.count : `without a count (${showBytes(bytes)})`;
  } catch {
    return `not JSON (${showBytes(bytes)})`;
  }
}

/**
 * `update-json`: updateJson increments by a process that crashes, then `recover` and one more
 * increment by a fresh process. The file always parses and holds the acknowledged sum, or that
 * plus the increment under way; the fresh increment lands exactly; nothing is left behind.
 */
export const updateJsonTarget: FuzzTarget<UpdateOp> = {
  name: 'update-json',
  description: 'updateJson increments by a process that crashes, then recover and one more increment: the count is old or new, parses, and nothing is left behind',
  uses: ['update', 'recover'],
  ops: fc.array(fc.record({ add: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 }),
  parseOps(value) {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const ok = value.every((v) => typeof v === 'object' && v !== null && Number.isInteger((v as UpdateOp).add));
    return ok ? value.map((v) => ({ add: (v as UpdateOp).add })) : undefined;
  },
  describeOp: (op) => `count += ${op.add}`,
  setup(fs, root) {
    const fd = fs.openExclusive(join(root, JSON_FILE));
    fs.write(fd, encoder.encode('{"count":0}\n'));
    fs.close(fd);
  },
  run(ops, env, events) {
    const file = join(env.root, JSON_FILE);
    return runOps(ops, env, events, (op) =>
      env.sut.update(file, (v) => ({ count: (v as { count: number }).count + op.add }), { lockOptions: crashingLockOptions(0), deps: env.deps }, `.count += ${op.add}`),
    );
  },
  async recoverAndCheck(env) {
    const { fs } = env.deps;
    const file = join(env.root, JSON_FILE);
    const violations: Violation[] = [];
    const acked = [...env.acked.keys()].reduce((n, i) => n + env.ops[i]!.add, 0);
    const allowed = env.inFlight === null ? [acked] : [acked, acked + env.ops[env.inFlight]!.add];
    const check = (when: string): number | null => {
      const count = countOf(readOrNull(fs, file));
      if (typeof count === 'string') violations.push({ invariant: 'file-parses', message: `${when}, ${JSON_FILE} is ${count}` });
      else if (!allowed.includes(count)) violations.push({ invariant: 'count-old-or-new', message: `${when}, count is ${count}, expected ${allowed.join(' or ')}` });
      else return count;
      return null;
    };
    check('after the crash');
    const lockOptions = await recoverAfterCrash(env as RecoveryEnv<unknown>, file, violations);
    if (lockOptions === null) return violations;
    const recovered = check('after recovery');
    if (recovered === null) return violations;
    try {
      await env.sut.update(file, (v) => ({ count: (v as { count: number }).count + 1 }), { lockOptions, deps: env.deps }, '.count += 1');
    } catch (err) {
      violations.push({ invariant: 'restart-updates', message: `the fresh process's increment failed: ${describeError(err)}` });
      return violations;
    }
    const final = countOf(readOrNull(fs, file));
    if (final !== recovered + 1) violations.push({ invariant: 'count-old-or-new', message: `after one more increment, count is ${final}, expected ${recovered + 1}` });
    const orphans = orphansIn(env.sut, fs, env.root, (n) => n === JSON_FILE);
    if (orphans.length > 0) violations.push({ invariant: 'no-orphans', message: `after recovery, left beside ${JSON_FILE}: ${orphans.join(', ')}` });
    return violations;
  },
};
