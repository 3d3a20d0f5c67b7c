import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { claimedOnce } from '../../../harness/checkers/claimed-once.ts';
import { gapBound } from '../../../harness/checkers/gap-bound.ts';
import { lostUpdates } from '../../../harness/checkers/lost-updates.ts';
import { mutualExclusion } from '../../../harness/checkers/mutual-exclusion.ts';
import { readsValid } from '../../../harness/checkers/reads-valid.ts';
import { realTimeOrder } from '../../../harness/checkers/real-time-order.ts';
import { uniqueness } from '../../../harness/checkers/uniqueness.ts';
import type { Operation } from '../../../harness/history/history.ts';
import { hold, inputOf, snapshotOf, type OpSpec } from './history-builder.ts';

const numbersOf = (op: Operation) => (op.value as { numbers: number[] }).numbers;
const idsOf = (op: Operation) => numbersOf(op).map((n) => `SEC-${n}`);
const weightOf = (op: Operation) => (op.input as { count: number }).count;
const counterCheckers = [uniqueness({ f: 'reserve', ids: idsOf }), gapBound({ f: 'reserve', numbers: numbersOf, weight: weightOf }), realTimeOrder({ f: 'reserve', numbers: numbersOf })];

/** An op: when it was invoked, how long it ran, when within that it took effect, how many numbers it took. */
const opShape = fc.record({ invoke: fc.nat(1000), duration: fc.integer({ min: 1, max: 200 }), at: fc.double({ min: 0, max: 1, noNaN: true }), count: fc.integer({ min: 1, max: 3 }) });

/**
 * A linearizable counter's history: each op takes its numbers at a point inside its interval, in
 * the order of those points, so concurrent ops may get them in any order but a finished op's are
 * always lower than a later one's. Every op runs on its own worker.
 */
function linearizable(shapes: readonly { invoke: number; duration: number; at: number; count: number }[]): OpSpec[] {
  const ops = shapes.map((s, worker) => ({ ...s, worker, point: s.invoke + s.at * s.duration }));
  const order = [...ops].sort((a, b) => a.point - b.point || a.worker - b.worker);
  const numbers = new Map<number, number[]>();
  let next = 1;
  for (const op of order)
    numbers.set(
      op.worker,
      Array.from({ length: op.count }, () => next++),
    );
  return ops.map((op) => ({
    f: 'reserve',
    worker: op.worker,
    invoke: op.invoke,
    complete: op.invoke + op.duration,
    input: { prefix: 'SEC', count: op.count },
    value: { numbers: numbers.get(op.worker) },
  }));
}

describe('checker properties', () => {
  test('a linearizable counter passes uniqueness, gap bound and real-time order', () => {
    fc.assert(
      fc.property(fc.array(opShape, { minLength: 1, maxLength: 60 }), (shapes) => {
        const input = inputOf(linearizable(shapes));
        for (const check of counterCheckers) assert.equal(check(input).verdict, 'pass');
      }),
    );
  });

  test('any number handed out twice fails uniqueness', () => {
    fc.assert(
      fc.property(fc.array(opShape, { minLength: 2, maxLength: 40 }), fc.nat(), fc.nat(), (shapes, i, j) => {
        const ops = linearizable(shapes);
        const from = i % ops.length;
        const to = (from + 1 + (j % (ops.length - 1))) % ops.length;
        const stolen = (ops[from]!.value as { numbers: number[] }).numbers[0]!;
        ops[to] = { ...ops[to]!, value: { numbers: [...(ops[to]!.value as { numbers: number[] }).numbers, stolen] } };
        const result = uniqueness({ f: 'reserve', ids: idsOf })(inputOf(ops));
        assert.equal(result.verdict, 'fail');
        assert.ok(result.examples.some((e) => (e as { value: string }).value === `SEC-${stolen}`));
      }),
    );
  });

  test('an op whose outcome became unknown never breaks the gap bound; one that failed does unless it held the top numbers', () => {
    fc.assert(
      fc.property(fc.array(opShape, { minLength: 2, maxLength: 40 }), fc.nat(), (shapes, i) => {
        const ops = linearizable(shapes);
        const k = i % ops.length;
        const check = gapBound({ f: 'reserve', numbers: numbersOf, weight: weightOf });
        const asInfo = ops.map((op, x) => (x === k ? { ...op, type: 'info' as const } : op));
        assert.equal(check(inputOf(asInfo)).verdict, 'pass');
        const asFail = ops.map((op, x) => (x === k ? { ...op, type: 'fail' as const } : op));
        const top = Math.max(...ops.flatMap((op) => (op.value as { numbers: number[] }).numbers));
        const heldTop = (ops[k]!.value as { numbers: number[] }).numbers.includes(top);
        assert.equal(check(inputOf(asFail)).verdict, heldTop ? 'pass' : 'fail');
      }),
    );
  });

  test('holds one after another pass mutual exclusion; stretching one into the next fails it', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.nat(50), length: fc.integer({ min: 1, max: 50 }) }), { minLength: 2, maxLength: 30 }), fc.nat(), (shapes, i) => {
        let t = 1;
        const spans = shapes.map((s) => {
          const from = t + s.gap + 1;
          t = from + s.length;
          return { from, to: t };
        });
        const ops = spans.flatMap((s, worker) => hold(worker, s.from, s.to));
        assert.equal(mutualExclusion()(inputOf(ops)).verdict, 'pass');
        const k = i % (spans.length - 1);
        const stretched = spans.flatMap((s, worker) => hold(worker, s.from, worker === k ? spans[k + 1]!.from + 1 : s.to));
        assert.equal(mutualExclusion()(inputOf(stretched)).verdict, 'fail');
      }),
    );
  });

  test('no checker crashes on arbitrary values', () => {
    const all = [...counterCheckers, mutualExclusion(), claimedOnce(), lostUpdates(), readsValid()];
    const garbage = fc.record({
      f: fc.constantFrom('reserve', 'acquire', 'release', 'claim', 'update', 'write', 'read'),
      worker: fc.nat(5),
      invoke: fc.nat(100),
      type: fc.constantFrom('ok', 'fail', 'info', 'none'),
      input: fc.anything(),
      value: fc.anything(),
    });
    fc.assert(
      fc.property(fc.array(garbage, { maxLength: 30 }), fc.anything(), (specs, facts) => {
        // One op per worker and f, so the builder's pairing stays meaningful.
        const seen = new Set<string>();
        const ops = (specs as OpSpec[]).filter((s) => !seen.has(`${s.worker}/${s.f}`) && seen.add(`${s.worker}/${s.f}`));
        const input = inputOf(ops, { snapshots: [snapshotOf(0, { facts: { batches: facts, counter: facts, finalValid: facts, initial: facts } })] });
        for (const check of all) assert.doesNotMatch(check(input).message, /checker crashed/);
      }),
    );
  });
});
