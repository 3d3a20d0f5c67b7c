import fc from 'fast-check';
import { join } from 'node:path';
import { orphansIn } from '../fuzz-sut.ts';
import { crashingLockOptions, nextAcquirerOptions } from '../lock-budget.ts';
import { recoverAfterCrash } from '../recovery-step.ts';
import { runOps } from '../run-ops.ts';
import type { FuzzTarget, RecoveryEnv, Violation } from '../fuzz-target.ts';
import { describeError, readOrNull, showBytes } from '../tree.ts';

/** Replace the file with a new version of `size` body bytes, or run recovery (as the process that will crash). */
export type WriteOp = { readonly kind: 'write'; readonly size: number } | { readonly kind: 'recover' };

export const WRITE_FILE = 'STATE.md';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
const encoder = new TextEncoder();

/** Version `version`'s content: `v<version>|` and `size` letters, then a newline. Distinct for every version. */
export function versionBytes(version: number, size: number): Uint8Array {
  let body = '';
  for (let i = 0; i < size; i++) body += ALPHABET[(version * 7 + i) % ALPHABET.length];
  return encoder.encode(`v${version}|${body}\n`);
}

const INITIAL = versionBytes(0, 8);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function parseOp(value: unknown): WriteOp | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.kind === 'recover') return { kind: 'recover' };
  if (v.kind === 'write' && Number.isInteger(v.size) && (v.size as number) >= 0 && (v.size as number) <= 1 << 20) return { kind: 'write', size: v.size as number };
  return undefined;
}

/** The versions the target may hold: the last acknowledged (old) and the one under way (new). */
function acceptable(env: RecoveryEnv<WriteOp>): { old: { version: number; bytes: Uint8Array }; next: { version: number; bytes: Uint8Array } | null; all: Map<number, Uint8Array> } {
  const all = new Map<number, Uint8Array>([[0, INITIAL]]);
  env.ops.forEach((op, i) => {
    if (op.kind === 'write') all.set(i + 1, versionBytes(i + 1, op.size));
  });
  let old = { version: 0, bytes: INITIAL };
  for (const i of [...env.acked.keys()].sort((a, b) => a - b)) {
    const op = env.ops[i]!;
    if (op.kind === 'write') old = { version: i + 1, bytes: all.get(i + 1)! };
  }
  const f = env.inFlight;
  const next = f !== null && env.ops[f]!.kind === 'write' ? { version: f + 1, bytes: all.get(f + 1)! } : null;
  return { old, next, all };
}

/**
 * `write`: writeAtomic (and recovery runs) by one process that crashes, then `recover` by a fresh
 * one. The target must always be exactly the last acknowledged version or the one under way,
 * before recovery and after; recovery must finish (breaking a lock the crash left at once), and
 * leave no temp or lock behind.
 */
export const writeTarget: FuzzTarget<WriteOp> = {
  name: 'write',
  description: 'writeAtomic replacing STATE.md (and recover runs) by a process that crashes, then recover by a fresh one: the file is exactly the old or the new version, nothing left behind',
  uses: ['write', 'recover'],
  ops: fc.array(
    fc.oneof({ arbitrary: fc.record({ kind: fc.constant('write' as const), size: fc.integer({ min: 1, max: 48 }) }), weight: 4 }, { arbitrary: fc.constant({ kind: 'recover' as const }), weight: 1 }),
    { minLength: 1, maxLength: 4 },
  ),
  parseOps(value) {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const ops = value.map(parseOp);
    return ops.every((o) => o !== undefined) ? (ops as WriteOp[]) : undefined;
  },
  describeOp: (op, i) => (op.kind === 'write' ? `write v${i + 1} (${versionBytes(i + 1, op.size).length} bytes)` : 'recover'),
  setup(fs, root) {
    const fd = fs.openExclusive(join(root, WRITE_FILE));
    fs.write(fd, INITIAL);
    fs.close(fd);
  },
  run(ops, env, events) {
    const file = join(env.root, WRITE_FILE);
    return runOps(ops, env, events, async (op, i) => {
      if (op.kind === 'write') {
        await env.sut.write(file, versionBytes(i + 1, op.size), { lockOptions: {}, deps: env.deps });
        return { version: i + 1 };
      }
      await env.sut.recover(file, false, { lockOptions: crashingLockOptions(0), deps: env.deps });
      return 'recovered';
    });
  },
  async recoverAndCheck(env) {
    const { fs } = env.deps;
    const file = join(env.root, WRITE_FILE);
    const { old, next, all } = acceptable(env);
    const violations: Violation[] = [];
    const check = (when: string) => {
      const bytes = readOrNull(fs, file);
      if (bytes !== null && (sameBytes(bytes, old.bytes) || (next !== null && sameBytes(bytes, next.bytes)))) return;
      const known = bytes === null ? undefined : [...all].find(([, b]) => sameBytes(b, bytes))?.[0];
      const expected = `the last acknowledged version v${old.version}${next === null ? '' : ` or the one under way v${next.version}`}`;
      const what = known === undefined ? `${WRITE_FILE} is ${showBytes(bytes)}` : `${WRITE_FILE} holds v${known}, older than the acknowledged v${old.version}: an acknowledged write was lost`;
      violations.push({ invariant: 'target-old-or-new', message: `${when}: ${what}; expected exactly ${expected}` });
    };
    check('after the crash');
    if ((await recoverAfterCrash(env as RecoveryEnv<unknown>, file, violations)) === null) return violations;
    if (violations.length === 0) check('after recovery');
    if (violations.length === 0 && env.sut.foreign !== undefined) {
      // What the crash left (a temp, a lock) is judged by what the implementation's next write does with it.
      const version = env.ops.length + 1;
      const bytes = versionBytes(version, 8);
      try {
        await env.sut.write(file, bytes, { lockOptions: nextAcquirerOptions().options, deps: env.deps });
        if (!sameBytes(readOrNull(fs, file) ?? new Uint8Array(0), bytes))
          violations.push({ invariant: 'next-write-lands', message: `after the next write, ${WRITE_FILE} is ${showBytes(readOrNull(fs, file))}, not v${version}` });
      } catch (err) {
        violations.push({ invariant: 'next-write-lands', message: `the next write after the crash failed: ${describeError(err)}` });
      }
    }
    const orphans = orphansIn(env.sut, fs, env.root, (n) => n === WRITE_FILE);
    if (orphans.length > 0) violations.push({ invariant: 'no-orphans', message: `after recovery, left beside ${WRITE_FILE}: ${orphans.join(', ')}` });
    return violations;
  },
};
