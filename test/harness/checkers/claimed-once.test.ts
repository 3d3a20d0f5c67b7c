import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { claimedOnce } from '../../../harness/checkers/claimed-once.ts';
import { inputOf, snapshotOf, type OpSpec } from './history-builder.ts';

const check = claimedOnce();
const claim = (worker: number, batch: string, invoke = worker * 10): OpSpec => ({ f: 'claim', worker, invoke, input: { owner: `w${worker}` }, value: { batch, owner: `w${worker}` } });
const noWork = (worker: number): OpSpec => ({ f: 'claim', worker, invoke: worker * 10, type: 'fail', input: { owner: `w${worker}` }, value: { error: 'ENOTFOUND', message: 'no work found' } });
const lost = (worker: number): OpSpec => ({ f: 'claim', worker, invoke: worker * 10, type: 'info', input: { owner: `w${worker}` } });
const registry = (batches: { batch: string; status: string; owner: string }[]) => snapshotOf(0, { facts: { batches, initial: 'O', target: 'i' } });

describe('claimedOnce', () => {
  test('each batch to one claimer, recorded as claimed, passes', () => {
    const result = check(
      inputOf([claim(0, '001'), claim(1, '002'), noWork(2)], {
        snapshots: [
          registry([
            { batch: '001', status: 'i', owner: 'w0' },
            { batch: '002', status: 'i', owner: 'w1' },
            { batch: '003', status: 'O', owner: '' },
          ]),
        ],
      }),
    );
    assert.equal(result.checker, 'claimed-once');
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.claims, 2);
  });

  test('a batch acknowledged to two owners fails and names both claimers', () => {
    const result = check(inputOf([claim(0, '001'), claim(1, '001')], { snapshots: [registry([{ batch: '001', status: 'i', owner: 'w1' }])] }));
    assert.equal(result.verdict, 'fail');
    const example = result.examples.find((e) => (e as { problem: string }).problem === 'claimed by more than one owner') as { batch: string; claims: { owner: string }[] };
    assert.equal(example.batch, '001');
    assert.deepEqual(
      example.claims.map((c) => c.owner),
      ['w0', 'w1'],
    );
  });

  test('a batch claimed by three owners is one value handed out more than once with two extra holders, and what the registry shows of it is that same collision', () => {
    const result = check(
      inputOf([claim(0, '001'), claim(1, '001'), claim(2, '001'), claim(3, '002')], {
        snapshots: [
          registry([
            { batch: '001', status: 'i', owner: 'w1' },
            { batch: '002', status: 'i', owner: 'w3' },
          ]),
        ],
      }),
    );
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.collisions, { values: 1, extraHolders: 2, iterations: 1, otherViolations: 0 });
    assert.equal(result.message, '1 value handed out more than once (2 extra holders) in 1 of 1 iteration: batches claimed by more than one owner');
  });

  test('a lost claim beside a double claim is another violation, named apart', () => {
    const result = check(
      inputOf([claim(0, '001'), claim(1, '001'), claim(2, '002')], {
        snapshots: [
          registry([
            { batch: '001', status: 'i', owner: 'w1' },
            { batch: '002', status: 'O', owner: '' },
          ]),
        ],
      }),
    );
    assert.deepEqual(result.collisions, { values: 1, extraHolders: 1, iterations: 1, otherViolations: 1 });
    assert.match(result.message, /in 1 of 1 iteration: batches claimed by more than one owner; 1 batch lost or claimed without acknowledgement$/);
  });

  test('the registry recording another owner than the claimer fails', () => {
    const result = check(inputOf([claim(0, '001')], { snapshots: [registry([{ batch: '001', status: 'i', owner: 'w9' }])] }));
    assert.equal(result.verdict, 'fail');
    assert.equal((result.examples[0] as { problem: string }).problem, 'claimed batch is recorded to another owner');
  });

  test('a claimed batch left in its old status fails (the claim was lost)', () => {
    const result = check(inputOf([claim(0, '001')], { snapshots: [registry([{ batch: '001', status: 'O', owner: '' }])] }));
    assert.equal(result.verdict, 'fail');
    assert.match((result.examples[0] as { problem: string }).problem, /not in i/);
  });

  test('a claimed batch missing from the registry fails', () => {
    assert.equal(check(inputOf([claim(0, '007')], { snapshots: [registry([{ batch: '001', status: 'O', owner: '' }])] })).verdict, 'fail');
  });

  test('a batch claimed in the registry that nobody acknowledged fails when no op is in doubt', () => {
    const result = check(
      inputOf([claim(0, '001'), noWork(1)], {
        snapshots: [
          registry([
            { batch: '001', status: 'i', owner: 'w0' },
            { batch: '002', status: 'i', owner: 'w1' },
          ]),
        ],
      }),
    );
    assert.equal(result.verdict, 'fail');
    assert.deepEqual(result.examples[0], { iteration: 0, batch: '002', problem: 'claimed in the registry but never acknowledged', registry: [{ batch: '002', status: 'i', owner: 'w1' }] });
  });

  test('an unacknowledged claim by the owner of an info op passes', () => {
    const result = check(
      inputOf([claim(0, '001'), lost(1)], {
        snapshots: [
          registry([
            { batch: '001', status: 'i', owner: 'w0' },
            { batch: '002', status: 'i', owner: 'w1' },
          ]),
        ],
      }),
    );
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.explainedByInfo, 1);
    assert.match(result.message, /info/);
  });

  test("one info op explains at most one unacknowledged batch, and only its own owner's", () => {
    const twoBatches = registry([
      { batch: '001', status: 'i', owner: 'w1' },
      { batch: '002', status: 'i', owner: 'w1' },
    ]);
    assert.equal(check(inputOf([lost(1)], { snapshots: [twoBatches] })).verdict, 'fail');
    const stranger = registry([{ batch: '001', status: 'i', owner: 'w5' }]);
    assert.equal(check(inputOf([lost(1)], { snapshots: [stranger] })).verdict, 'fail');
  });

  test('an owner resuming its own batch is not a double claim', () => {
    const result = check(inputOf([claim(0, '001', 0), claim(0, '001', 10)], { snapshots: [registry([{ batch: '001', status: 'i', owner: 'w0' }])] }));
    assert.equal(result.verdict, 'pass');
    assert.equal(result.stats?.resumed, 1);
  });

  test("the op's own target status wins over the snapshot's", () => {
    const toO: OpSpec = { ...claim(0, '001'), value: { batch: '001', owner: 'w0', to: 'O' } };
    const snapshots = [snapshotOf(0, { facts: { batches: [{ batch: '001', status: 'O', owner: 'w0' }], initial: 'D' } })];
    assert.equal(check(inputOf([toO], { snapshots })).verdict, 'pass');
  });

  test("per-batch initial facts: a batch already in progress before the run is nobody's new claim", () => {
    const snapshots = [
      snapshotOf(0, {
        facts: {
          batches: [
            { batch: '001', status: 'i', owner: 'old' },
            { batch: '002', status: 'i', owner: 'w0' },
          ],
          initial: [
            { batch: '001', status: 'i', owner: 'old' },
            { batch: '002', status: 'O' },
          ],
        },
      }),
    ];
    assert.equal(check(inputOf([claim(0, '002')], { snapshots })).verdict, 'pass');
  });

  test('without a readable registry the history alone cannot pass', () => {
    assert.equal(check(inputOf([claim(0, '001')])).verdict, 'unknown');
    assert.equal(check(inputOf([claim(0, '001')], { snapshots: [snapshotOf(0, { facts: { batches: 'torn' } })] })).verdict, 'unknown');
  });

  test('without a registry a double claim still fails', () => {
    assert.equal(check(inputOf([claim(0, '001'), claim(1, '001')])).verdict, 'fail');
  });

  test('a claim value without a batch is unknown, not a crash', () => {
    const result = check(inputOf([{ f: 'claim', worker: 0, invoke: 0, value: { batch: 3 } }], { snapshots: [registry([{ batch: '001', status: 'O', owner: '' }])] }));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.stats?.malformed, 1);
  });

  test('no acknowledged claim is nothing to judge: unknown, never pass', () => {
    const result = check(inputOf([noWork(0), noWork(1)], { snapshots: [registry([{ batch: '001', status: 'O', owner: '' }])] }));
    assert.equal(result.verdict, 'unknown');
    assert.equal(result.message, 'nothing to judge: no claim was acknowledged (2 claim ops)');
  });

  test('with no acknowledged claim, a batch claimed in the registry still fails', () => {
    const result = check(inputOf([noWork(0)], { snapshots: [registry([{ batch: '001', status: 'i', owner: 'w0' }])] }));
    assert.equal(result.verdict, 'fail');
  });
});
