import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SUTS } from '../../scenarios/suts/index.ts';
import { CONTRACT_OPERATIONS, EXPECTED, type ContractName } from './expected-failures.ts';

test('the expected failures name only registered systems under test, each in a contract it runs', () => {
  const stray = Object.entries(EXPECTED).flatMap(([name, byContract]) =>
    Object.keys(byContract).flatMap((contract) => {
      const sut = SUTS.find((s) => s.name === name);
      return sut !== undefined && typeof sut[CONTRACT_OPERATIONS[contract as ContractName]] === 'function' ? [] : [`${name} / ${contract}`];
    }),
  );
  assert.deepEqual(stray, []);
});
