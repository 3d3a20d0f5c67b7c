import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isRacetrackError } from '../../../core/errors.ts';
import { initCounters } from '../../../core/ids/init-counters.ts';
import { reserveIds } from '../../../core/ids/reserver.ts';
import { DEFAULT_PREFIXES } from '../../../core/ids/task-id.ts';
import { scanTasksMarkdown } from '../../../core/ids/tasks-md.ts';
import { tempDir } from '../../support/tmp.ts';

const TASKS = `# Tasks

| ID | Title | Est | Priority | Status |
|----|-------|-----|----------|--------|
| SEC-19 | Fix auth bug | 1h | High | ready |
| SEC-7 | Old one | 1h | Low | done |
| PERF-12 | Cache | 2h | Med | ready |
| UX-66 | Button | 1h | Low | ready |

- see also DOC-3, and FOO-99 (not ours), XSEC-500, SEC-900a, UTF-8.
`;

function withFiles(tasks: string | undefined, counters: unknown, fn: (t: string, c: string, dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try {
      const t = join(dir.path, 'TASKS.md');
      const c = join(dir.path, 'counters.json');
      if (tasks !== undefined) writeFileSync(t, tasks);
      if (counters !== undefined) writeFileSync(c, typeof counters === 'string' ? counters : JSON.stringify({ counters }));
      await fn(t, c, dir.path);
    } finally {
      dir.cleanup();
    }
  };
}

const read = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { counters: Record<string, number> }).counters;

describe('scanTasksMarkdown', () => {
  test('finds the highest ID per known prefix, standing as a word of its own', () => {
    const scan = scanTasksMarkdown(TASKS, DEFAULT_PREFIXES);
    assert.deepEqual(scan.highest, { SEC: 19, PERF: 12, UX: 66, DOC: 3 });
    assert.equal(scan.seen, 5);
  });

  test('prefixes that begin one another are told apart', () => {
    assert.deepEqual(scanTasksMarkdown('DS-4 DSX-9 D-1', ['DS', 'DSX', 'D']).highest, { DS: 4, DSX: 9, D: 1 });
  });

  test('a number past 2^53 is ECORRUPT', () => {
    assert.throws(
      () => scanTasksMarkdown('SEC-99999999999999999999', ['SEC']),
      (err: unknown) => isRacetrackError(err, 'ECORRUPT'),
    );
  });
});

describe('initCounters', () => {
  test(
    'creates the counters file from TASKS.md, ignoring unknown prefixes',
    withFiles(TASKS, undefined, async (t, c, dir) => {
      const report = await initCounters(t, c);
      assert.deepEqual(report.counters, { SEC: 19, PERF: 12, UX: 66, DOC: 3 });
      assert.deepEqual(read(c), report.counters);
      assert.equal(report.created, true);
      assert.equal(report.written, true);
      assert.deepEqual(report.raised.map((r) => r.prefix).sort(), ['DOC', 'PERF', 'SEC', 'UX']);
      assert.deepEqual(
        report.raised.find((r) => r.prefix === 'SEC'),
        { prefix: 'SEC', from: null, to: 19, found: 19 },
      );
      assert.deepEqual([report.kept, report.lowered], [[], []]);
      assert.deepEqual(readdirSync(dir).sort(), ['TASKS.md', 'counters.json'], 'no lock or temp left');
      assert.deepEqual((await reserveIds(c, 'SEC')).ids, ['SEC-20'], 'reserve continues from it');
    }),
  );

  test(
    'raises lower counters, keeps higher ones, and never lowers without force',
    withFiles(TASKS, { SEC: 25, PERF: 5, FOO: 3, OPS: 4 }, async (t, c) => {
      const report = await initCounters(t, c);
      assert.deepEqual(read(c), { SEC: 25, PERF: 12, FOO: 3, OPS: 4, UX: 66, DOC: 3 });
      assert.deepEqual(
        report.raised.map((r) => [r.prefix, r.from, r.to]),
        [
          ['PERF', 5, 12],
          ['UX', null, 66],
          ['DOC', null, 3],
        ],
      );
      assert.deepEqual(
        report.kept.map((r) => [r.prefix, r.from, r.to, r.found]),
        [
          ['SEC', 25, 25, 19],
          ['FOO', 3, 3, null],
          ['OPS', 4, 4, null],
        ],
      );
      assert.deepEqual(report.lowered, []);
    }),
  );

  test(
    'with force, known counters go to what TASKS.md shows; unknown prefixes stay',
    withFiles(TASKS, { SEC: 25, FOO: 3, OPS: 4 }, async (t, c) => {
      const report = await initCounters(t, c, { force: true });
      assert.deepEqual(read(c), { SEC: 19, FOO: 3, OPS: 0, PERF: 12, UX: 66, DOC: 3 });
      assert.deepEqual(
        report.lowered.map((r) => [r.prefix, r.from, r.to]),
        [
          ['SEC', 25, 19],
          ['OPS', 4, 0],
        ],
      );
      assert.deepEqual(
        report.kept.map((r) => r.prefix),
        ['FOO'],
      );
    }),
  );

  test(
    'when nothing would change the file is left byte for byte',
    withFiles(TASKS, `{"counters":{"SEC":30,"PERF":12,"UX":66,"DOC":3}}`, async (t, c) => {
      const before = readFileSync(c);
      const report = await initCounters(t, c);
      assert.equal(report.written, false);
      assert.equal(report.raised.length + report.lowered.length, 0);
      assert.deepEqual(readFileSync(c), before);
    }),
  );

  test(
    'a missing TASKS.md is ENOTFOUND and creates nothing',
    withFiles(undefined, undefined, async (t, c, dir) => {
      await assert.rejects(initCounters(t, c), (err: unknown) => isRacetrackError(err, 'ENOTFOUND'));
      assert.deepEqual(readdirSync(dir), []);
    }),
  );

  test(
    'a corrupt counters file is ECORRUPT and left unchanged, even with force',
    withFiles(TASKS, '{"counters": {"SEC": -3}}', async (t, c, dir) => {
      const before = readFileSync(c);
      for (const force of [false, true]) {
        await assert.rejects(initCounters(t, c, { force }), (err: unknown) => isRacetrackError(err, 'ECORRUPT'));
      }
      assert.deepEqual(readFileSync(c), before);
      assert.deepEqual(readdirSync(dir).sort(), ['TASKS.md', 'counters.json']);
    }),
  );

  test(
    'a bad prefix list is EINVALID before any file is touched',
    withFiles(TASKS, undefined, async (t, c, dir) => {
      await assert.rejects(initCounters(t, c, { prefixes: ['ok', 'SEC'] }), (err: unknown) => isRacetrackError(err, 'EINVALID'));
      assert.deepEqual(readdirSync(dir), ['TASKS.md']);
    }),
  );

  test(
    'a configured prefix list is the only one scanned',
    withFiles(TASKS, undefined, async (t, c) => {
      const report = await initCounters(t, c, { prefixes: ['FOO', 'SEC'] });
      assert.deepEqual(report.counters, { FOO: 99, SEC: 19 });
    }),
  );
});
