import fc from 'fast-check';
import type { RecoveryEnv, Violation } from '../fuzz-target.ts';
import { recoverAfterCrash } from '../recovery-step.ts';
import { stalledHolderTarget } from '../stalled-holder.ts';
import { describeError, readOrNull } from '../tree.ts';
import { checkIssued, COUNTERS_FILE, idsOf, PREFIXES, readCounters, reserveTarget, type ReserveOp } from './reserve.ts';

/**
 * `stalled-reserve`: a reserver stalls holding the counters lock after reading the counters, a
 * breaker takes the lock as expired and reserves, the holder wakes and dies in its write; then a
 * fresh process recovers and reserves each prefix once. Recovery never sets a counter back, and no
 * ID is handed out twice (the breaker's acknowledged IDs and the next reserve's counted).
 */
export const stalledReserveTarget = stalledHolderTarget<ReserveOp>({
  name: 'stalled-reserve',
  description:
    'a reserver stalls past staleMs holding the counters lock, a breaker reserves, the holder wakes and dies in its write, then recover and one more reserve: no counter set back, no ID handed out twice',
  uses: ['reserve', 'recover'],
  file: COUNTERS_FILE,
  op: fc.record({ prefix: fc.constantFrom(...PREFIXES), count: fc.integer({ min: 1, max: 3 }) }),
  parseOp: (value) => reserveTarget.parseOps([value])?.[0],
  describe: (op) => reserveTarget.describeOp(op, 0),
  setup: (fs, root) => reserveTarget.setup(fs, root),
  perform: (sut, file, op, _index, ctx) => sut.reserve(file, op.prefix, op.count, ctx),
  async recoverAndCheck(env, file) {
    const { fs } = env.deps;
    const violations: Violation[] = [];
    const issued: { id: string; by: string }[] = [];
    for (const [i, value] of env.acked) for (const id of idsOf(value)) issued.push({ id, by: i === 0 ? 'the holder' : `the breaker (op ${i})` });
    const found = readCounters(readOrNull(fs, file), file);
    if (typeof found === 'string') violations.push({ invariant: 'counters-parse', message: `after the crash, ${COUNTERS_FILE} is ${found}` });
    const lockOptions = await recoverAfterCrash(env as RecoveryEnv<unknown>, file, violations);
    if (lockOptions === null) return violations;
    const after = readCounters(readOrNull(fs, file), file);
    if (typeof found !== 'string' && typeof after !== 'string') {
      for (const prefix of PREFIXES) {
        if ((after[prefix] ?? 0) < (found[prefix] ?? 0))
          violations.push({ invariant: 'counter-never-goes-back', message: `recovery set counter ${prefix} back from ${found[prefix]} to ${after[prefix]}` });
      }
    }
    for (const prefix of PREFIXES) {
      try {
        const r = await env.sut.reserve(file, prefix, 1, { lockOptions, deps: env.deps });
        for (const id of r.ids) issued.push({ id, by: 'the next reserve after recovery' });
      } catch (err) {
        violations.push({ invariant: 'restart-reserves', message: `the reserve ${prefix} 1 after recovery failed: ${describeError(err)}` });
        return violations;
      }
    }
    return [...violations, ...checkIssued(fs, file, issued, env.sut)];
  },
});
