import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { legalTransitions } from '../../../harness/checkers/legal-transitions.ts';
import { inputOf, snapshotOf } from './history-builder.ts';

const judge = (facts: Record<string, unknown>, options = {}) => legalTransitions(options)(inputOf([], { snapshots: [snapshotOf(0, { facts })] }));
const rows = (...pairs: [string, string][]) => pairs.map(([batch, status]) => ({ batch, status, owner: '' }));

describe('legalTransitions', () => {
  test('implement claims (O → i, D → O → i) and untouched rows pass', () => {
    const result = judge({ initial: rows(['001', 'O'], ['002', 'D'], ['003', 'D'], ['004', 'I']), batches: rows(['001', 'i'], ['002', 'i'], ['003', 'O'], ['004', 'I']) });
    assert.equal(result.checker, 'legal-transitions');
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.rows, 4);
  });

  test('a status no claim produces fails and names the transition', () => {
    const result = judge({ initial: 'O', batches: rows(['001', 'i'], ['002', 'I']) });
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples, [{ iteration: 0, batch: '002', problem: 'illegal transition', from: 'O', to: 'I' }]);
  });

  test('claims never go backwards', () => {
    assert.equal(judge({ initial: { '001': 'i' }, batches: rows(['001', 'O']) }).verdict, 'fail');
  });

  test('the design phase has its own rules', () => {
    assert.equal(judge({ initial: 'B', batches: rows(['001', 'd']) }, { phase: 'design' }).verdict, 'pass');
    assert.equal(judge({ initial: 'B', batches: rows(['001', 'd']) }).verdict, 'fail');
  });

  test("explicit rules replace the phase's", () => {
    assert.equal(judge({ initial: 'todo', batches: rows(['001', 'doing']) }, { rules: [{ from: 'todo', to: 'doing' }] }).verdict, 'pass');
  });

  test('rows that vanish or appear fail', () => {
    const vanished = judge({ initial: rows(['001', 'O'], ['002', 'O']), batches: rows(['001', 'i']) });
    assert.equal(vanished.verdict, 'fail');
    assert.equal((vanished.examples[0] as { problem: string }).problem, 'row vanished');
    const appeared = judge({ initial: rows(['001', 'O']), batches: rows(['001', 'i'], ['009', 'i']) });
    assert.equal((appeared.examples[0] as { problem: string }).problem, 'row appeared');
    const fewer = judge({ initial: rows(['001', 'O'], ['001', 'O']), batches: rows(['001', 'i']) });
    assert.equal(fewer.verdict, 'fail');
  });

  test('missing facts or snapshots are unknown', () => {
    assert.equal(judge({ batches: rows(['001', 'i']) }).verdict, 'unknown');
    assert.equal(judge({ initial: 'O', batches: [{ batch: 1 }] }).verdict, 'unknown');
    assert.equal(legalTransitions()(inputOf([])).verdict, 'unknown');
  });

  test('registries without a row are nothing to judge: unknown, never pass', () => {
    const result = judge({ initial: 'O', batches: [] });
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.message, 'nothing to judge: the registries held no rows');
  });
});
