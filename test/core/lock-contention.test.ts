import assert from 'node:assert/strict';
import { writeFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { contendProcesses, contendThreads, failures, okValues } from '../support/contend.ts';
import { tempDir } from '../support/tmp.ts';

function assertExclusive(values: unknown[], expected: number, dir: string): void {
  const sorted = (values as number[]).slice().sort((a, b) => a - b);
  assert.deepEqual(sorted, Array.from({ length: expected }, (_, i) => i), 'every increment saw a distinct value');
  assert.deepEqual(readdirSync(dir).sort(), ['counter'], 'no lock or guard file left behind');
}

test('8 worker threads contending on one lock never overlap', async () => {
  const dir = tempDir();
  try {
    writeFileSync(`${dir.path}/counter`, '0');
    const results = await contendThreads('lock-counter', { dir: dir.path }, 8, 40);
    assert.deepEqual(failures(results), []);
    assertExclusive(okValues(results), 320, dir.path);
  } finally {
    dir.cleanup();
  }
});

test('4 child processes contending on one lock never overlap', async () => {
  const dir = tempDir();
  try {
    writeFileSync(`${dir.path}/counter`, '0');
    const results = await contendProcesses('lock-counter', { dir: dir.path }, 4, 40);
    assert.deepEqual(failures(results), []);
    assertExclusive(okValues(results), 160, dir.path);
  } finally {
    dir.cleanup();
  }
});
