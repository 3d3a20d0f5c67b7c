import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isRacetrackError } from '../../../core/errors.ts';
import { judgeInboxTasks, validateInbox } from '../../../core/ids/inbox.ts';
import { DEFAULT_PREFIXES } from '../../../core/ids/task-id.ts';
import { tempDir } from '../../support/tmp.ts';

function withFiles(counters: unknown, inbox: unknown, fn: (c: string, i: string) => void): () => void {
  return () => {
    const dir = tempDir();
    try {
      const c = join(dir.path, 'counters.json');
      const i = join(dir.path, 'inbox.json');
      if (counters !== undefined) writeFileSync(c, JSON.stringify({ counters }));
      if (inbox !== undefined) writeFileSync(i, typeof inbox === 'string' ? inbox : JSON.stringify(inbox));
      fn(c, i);
    } finally {
      dir.cleanup();
    }
  };
}

const reasons = (tasks: unknown[], counters: Record<string, number>) => judgeInboxTasks(tasks, counters, DEFAULT_PREFIXES).rejected.map((r) => [r.id, r.reason]);

describe('validateInbox', () => {
  test(
    'accepts IDs up to the counter',
    withFiles({ SEC: 22, UX: 5 }, { tasks: [{ id: 'SEC-20', title: 'x' }, { id: 'SEC-22' }, { id: 'UX-1' }] }, (c, i) => {
      assert.deepEqual(validateInbox(c, i), { valid: true, accepted: ['SEC-20', 'SEC-22', 'UX-1'], rejected: [] });
    }),
  );

  test(
    'rejects IDs above the counter, saying how to reserve them',
    withFiles({ SEC: 22 }, { tasks: [{ id: 'SEC-23' }, { id: 'SEC-25' }, { id: 'SEC-21' }] }, (c, i) => {
      const report = validateInbox(c, i);
      assert.equal(report.valid, false);
      assert.deepEqual(report.accepted, ['SEC-21']);
      assert.deepEqual(
        report.rejected.map((r) => [r.index, r.id, r.reason]),
        [
          [0, 'SEC-23', 'out-of-range'],
          [1, 'SEC-25', 'out-of-range'],
        ],
      );
      assert.match(report.rejected[1]!.message, /SEC-25: counter at SEC-22\. Run: racetrack reserve/);
    }),
  );

  test('a known prefix absent from the counters accepts nothing', () => {
    assert.deepEqual(reasons([{ id: 'DOC-1' }], { SEC: 3 }), [['DOC-1', 'out-of-range']]);
  });

  test('rejects unknown prefixes, malformed IDs and repeats', () => {
    const tasks = [{ id: 'FOO-1' }, { id: 'sec-1' }, { id: 'SEC-0' }, { id: 'SEC-007' }, { id: 'SEC 1' }, { id: 7 }, {}, null, 'SEC-1', { id: 'SEC-1' }, { id: 'SEC-1' }];
    assert.deepEqual(reasons(tasks, { SEC: 9 }), [
      ['FOO-1', 'unknown-prefix'],
      ['sec-1', 'malformed'],
      ['SEC-0', 'malformed'],
      ['SEC-007', 'malformed'],
      ['SEC 1', 'malformed'],
      [7, 'malformed'],
      [undefined, 'malformed'],
      [undefined, 'malformed'],
      [undefined, 'malformed'],
      ['SEC-1', 'duplicate'],
    ]);
  });

  test(
    'an empty inbox is valid',
    withFiles({ SEC: 1 }, { tasks: [] }, (c, i) => {
      assert.deepEqual(validateInbox(c, i), { valid: true, accepted: [], rejected: [] });
    }),
  );

  test(
    'a missing inbox or counters file is ENOTFOUND',
    withFiles(undefined, undefined, (c, i) => {
      assert.throws(
        () => validateInbox(c, i),
        (err: unknown) => isRacetrackError(err, 'ENOTFOUND') && err.message.includes('init-counters'),
      );
      writeFileSync(c, JSON.stringify({ counters: {} }));
      assert.throws(
        () => validateInbox(c, i),
        (err: unknown) => isRacetrackError(err, 'ENOTFOUND'),
      );
    }),
  );

  test('an inbox that is not JSON or has no tasks array is ECORRUPT and left alone', () => {
    for (const bad of ['{"tasks": [', '[]', '{"tasks": {}}', '{}']) {
      withFiles({ SEC: 1 }, bad, (c, i) => {
        assert.throws(
          () => validateInbox(c, i),
          (err: unknown) => isRacetrackError(err, 'ECORRUPT'),
          bad,
        );
        assert.equal(readFileSync(i, 'utf8'), bad);
      })();
    }
  });
});
