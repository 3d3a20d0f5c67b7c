import fc from 'fast-check';
import { join } from 'node:path';
import { TOPIC_LOCK_NAME } from '../../../core/topics/allocator.ts';
import { crashingLockOptions, nextAcquirerOptions } from '../lock-budget.ts';
import { sweepLock } from '../recovery-step.ts';
import { runOps } from '../run-ops.ts';
import type { FuzzTarget, Violation } from '../fuzz-target.ts';
import { nextCallerRule, orphansIn } from '../fuzz-sut.ts';
import { describeError, namesIn } from '../tree.ts';

/** Allocate the next topic directory for `name`. */
export interface AllocateOp {
  readonly name: 'alpha' | 'beta' | 'gamma';
}

export const TOPICS_DIR = 'topics';
const NAMES = ['alpha', 'beta', 'gamma'] as const;
const NUMBERED = /^(\d{3,})_(.*)$/;

/**
 * `allocate`: allocateTopic by a process that crashes, then one more by a fresh process (breaking
 * the dead process's lock at once). No number is handed out twice (the crashed process's
 * acknowledged ones included), every acknowledged directory exists, and only numbered
 * directories are left in the root.
 */
export const allocateTarget: FuzzTarget<AllocateOp> = {
  name: 'allocate',
  description: 'allocateTopic by a process that crashes, then one more by a fresh process: no number twice, acknowledged directories exist, nothing else left',
  uses: ['allocate'],
  ops: fc.array(fc.record({ name: fc.constantFrom(...NAMES) }), { minLength: 1, maxLength: 4 }),
  parseOps(value) {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const ok = value.every((v) => typeof v === 'object' && v !== null && NAMES.includes((v as AllocateOp).name));
    return ok ? value.map((v) => ({ name: (v as AllocateOp).name })) : undefined;
  },
  describeOp: (op) => `allocate ${op.name}`,
  setup(fs, root) {
    fs.mkdir(join(root, TOPICS_DIR));
  },
  run(ops, env, events) {
    const dir = join(env.root, TOPICS_DIR);
    return runOps(ops, env, events, (op, i) => env.sut.allocate(dir, op.name, { lockOptions: crashingLockOptions(i), deps: env.deps }));
  },
  async recoverAndCheck(env) {
    const { fs } = env.deps;
    const dir = join(env.root, TOPICS_DIR);
    const violations: Violation[] = [];
    const handed: { number: string; name: string; by: string }[] = [];
    for (const [i, value] of env.acked) handed.push({ number: (value as { number: string }).number, name: env.ops[i]!.name, by: `op ${i} (before the crash)` });
    const lock = nextAcquirerOptions();
    try {
      const r = await env.sut.allocate(dir, 'restart', { lockOptions: lock.options, deps: env.deps });
      handed.push({ number: r.number, name: 'restart', by: 'the fresh process' });
    } catch (err) {
      violations.push({ invariant: 'restart-allocates', message: `the fresh process's allocate failed: ${describeError(err)} (${nextCallerRule(env.sut, lock.reason)})` });
      return violations;
    }
    // What a process killed inside the lock protocol left beside the lock is swept, as `racetrack
    // recover` does; only the protocol's own names go.
    if (env.sut.foreign === undefined) await sweepLock(join(dir, TOPIC_LOCK_NAME), env.deps);
    const entries = namesIn(fs, dir);
    const seen = new Map<string, string>();
    for (const h of handed) {
      const first = seen.get(h.number);
      if (first !== undefined) violations.push({ invariant: 'numbers-unique', message: `number ${h.number} was handed out twice: to ${first} and to ${h.by}` });
      else seen.set(h.number, h.by);
      if (!entries.includes(`${h.number}_${h.name}`)) violations.push({ invariant: 'acknowledged-dirs-exist', message: `${h.number}_${h.name}, handed to ${h.by}, does not exist` });
    }
    const byNumber = new Map<string, string[]>();
    for (const e of entries) {
      const m = NUMBERED.exec(e);
      if (m !== null) byNumber.set(m[1]!, [...(byNumber.get(m[1]!) ?? []), e]);
    }
    for (const [n, names] of byNumber) if (names.length > 1) violations.push({ invariant: 'numbers-unique', message: `number ${n} is taken by ${names.join(' and ')}` });
    const orphans = orphansIn(env.sut, fs, dir, (n) => NUMBERED.test(n));
    if (orphans.length > 0) violations.push({ invariant: 'no-orphans', message: `after the fresh allocation, left in ${TOPICS_DIR}/: ${orphans.join(', ')}` });
    return violations;
  },
};
