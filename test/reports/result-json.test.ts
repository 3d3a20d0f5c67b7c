import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../harness/engine/run-result.ts';
import { renderResultJson } from '../../reports/result-json.ts';
import { failingResult, sampleFaults, sampleResult } from './sample-result.ts';

const TYPE_ORDER = [
  'verdict',
  'scenario',
  'sut',
  'exec',
  'keep',
  'iterations',
  'workers',
  'isolation',
  'seed',
  'maxCollisionRate',
  'staleMs',
  'killRate',
  'pauseRate',
  'runtime',
  'operations',
  'collisions',
  'extraHolders',
  'collidingIterations',
  'collisionRate',
  'collisionRateUpper95',
  'violations',
  'checks',
  'notChecked',
  'lockHold',
  'lockWait',
  'wallMs',
  'startedAt',
  'outDir',
  'faults',
];

test('result.json is pretty JSON with a trailing newline that parses back to the result', () => {
  const result = failingResult();
  const text = renderResultJson(result);
  assert.ok(text.endsWith('}\n'));
  assert.ok(text.includes('\n  "verdict": "fail",\n'));
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(result)));
});

test('keys follow the type order whatever order the result was built in', () => {
  const result = sampleResult({ exec: './alloc.sh {root}', faults: sampleFaults() });
  const shuffled = Object.fromEntries(Object.entries(result).reverse()) as unknown as RunResult;
  const parsed = JSON.parse(renderResultJson(shuffled)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), TYPE_ORDER);
  const hold = { maxMs: 2, p99Ms: 1, count: 5, p50Ms: 0.5 };
  const nested = JSON.parse(renderResultJson(sampleResult({ lockHold: hold }))) as { lockHold: object };
  assert.deepEqual(Object.keys(nested.lockHold), ['count', 'p50Ms', 'p99Ms', 'maxMs']);
});

test('absent optional fields are left out, unknown extra fields kept at the end', () => {
  const parsed = JSON.parse(renderResultJson({ ...sampleResult(), extra: 1 } as RunResult)) as Record<string, unknown>;
  assert.ok(!('exec' in parsed) && !('faults' in parsed));
  assert.equal(Object.keys(parsed).at(-1), 'extra');
  assert.equal(parsed.lockWait === null, false);
  assert.equal((JSON.parse(renderResultJson(sampleResult({ lockHold: null }))) as { lockHold: unknown }).lockHold, null);
});

test('a bigint in an example does not break the file', () => {
  const result = sampleResult({ violations: [{ checker: 'uniqueness', message: 'dup', example: { id: 10n } }] });
  assert.match(renderResultJson(result), /"id": "10"/);
});

test('what the run was asked comes first and together, every option of it in a fixed order', () => {
  const asked = {
    setup: 'true {root}',
    recover: 'true {root}',
    trace: true,
    syscallFaults: { jitterUs: 100 },
    store: 'postgres',
    partition: true,
    hosts: 2,
  };
  const parsed = JSON.parse(renderResultJson(sampleResult({ exec: './alloc.sh {root}', ...asked }))) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed).slice(0, 21), [
    'verdict',
    'scenario',
    'sut',
    'exec',
    'setup',
    'recover',
    'trace',
    'syscallFaults',
    'store',
    'partition',
    'keep',
    'iterations',
    'workers',
    'isolation',
    'hosts',
    'seed',
    'maxCollisionRate',
    'staleMs',
    'killRate',
    'pauseRate',
    'runtime',
  ]);
});
