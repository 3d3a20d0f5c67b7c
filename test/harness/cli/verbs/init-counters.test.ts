import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRacetrackError } from '../../../../core/errors.ts';
import { runInitCounters } from '../../../../harness/cli/verbs/init-counters.ts';
import { tempDir } from '../../../support/tmp.ts';

function withTasks(fn: (tasks: string, counters: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try {
      const tasks = join(dir.path, 'TASKS.md');
      writeFileSync(tasks, '| SEC-19 | a |\n| PERF-12 | b |\n');
      await fn(tasks, join(dir.path, 'counters.json'));
    } finally {
      dir.cleanup();
    }
  };
}

const counters = (file: string) => JSON.parse(readFileSync(file, 'utf8')).counters;

test(
  'init-counters reports what it raised, kept and lowered',
  withTasks(async (tasks, file) => {
    const result = await runInitCounters({ tasks, counters: file, force: false });
    assert.equal(result.exitCode, 0);
    const report = result.output as { counters: Record<string, number>; raised: unknown[]; kept: unknown[]; lowered: unknown[] };
    assert.deepEqual(report.counters, { SEC: 19, PERF: 12 });
    assert.equal(report.raised.length, 2);
    assert.deepEqual(counters(file), { SEC: 19, PERF: 12 });
  }),
);

test(
  'init-counters lowers only with --force',
  withTasks(async (tasks, file) => {
    writeFileSync(file, '{"counters":{"SEC":40}}');
    await runInitCounters({ tasks, counters: file, force: false });
    assert.equal(counters(file).SEC, 40);
    const forced = (await runInitCounters({ tasks, counters: file, force: true })).output as { lowered: { prefix: string }[] };
    assert.deepEqual(
      forced.lowered.map((l) => l.prefix),
      ['SEC'],
    );
    assert.equal(counters(file).SEC, 19);
  }),
);

test(
  'init-counters refuses an empty --tasks or --counters',
  withTasks(async (tasks, file) => {
    for (const args of [
      { tasks, counters: '' },
      { tasks: '', counters: file },
    ]) {
      await assert.rejects(runInitCounters({ ...args, force: false }), (err: unknown) => isRacetrackError(err, 'EINVALID'));
    }
  }),
);
