import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockContract } from '../contracts/lock.contract.ts';
import { contractCase } from '../support/contract.ts';

test('the naive stale break lets two breakers hold the lock at once', async () => {
  await assert.rejects(contractCase(lockContract('stale-break-naive'), 'stale-break-race').run());
});

test('the naive stale break still excludes contenders while nothing is stale', async () => {
  await contractCase(lockContract('stale-break-naive'), 'threads-exclusive').run();
});
