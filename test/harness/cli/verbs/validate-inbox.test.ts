import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRacetrackError } from '../../../../core/errors.ts';
import { runValidateInbox } from '../../../../harness/cli/verbs/validate-inbox.ts';
import { tempDir } from '../../../support/tmp.ts';

function withFiles(ids: string[], fn: (counters: string, inbox: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir();
    try {
      const counters = join(dir.path, 'counters.json');
      const inbox = join(dir.path, 'inbox.json');
      writeFileSync(counters, '{"counters":{"SEC":22}}');
      writeFileSync(inbox, JSON.stringify({ tasks: ids.map((id) => ({ id, title: id })) }));
      await fn(counters, inbox);
    } finally {
      dir.cleanup();
    }
  };
}

test(
  'validate-inbox exits 0 when every ID was reserved',
  withFiles(['SEC-21', 'SEC-22'], async (counters, inbox) => {
    assert.deepEqual(await runValidateInbox({ counters, inbox }), { exitCode: 0, output: { valid: true, accepted: ['SEC-21', 'SEC-22'], rejected: [] } });
  }),
);

test(
  'validate-inbox exits 1 with the report when an ID is above its counter',
  withFiles(['SEC-21', 'SEC-25'], async (counters, inbox) => {
    const result = await runValidateInbox({ counters, inbox });
    assert.equal(result.exitCode, 1);
    const report = result.output as { valid: boolean; accepted: string[]; rejected: { id: string; reason: string }[] };
    assert.equal(report.valid, false);
    assert.deepEqual(report.accepted, ['SEC-21']);
    assert.deepEqual(
      report.rejected.map((r) => [r.id, r.reason]),
      [['SEC-25', 'out-of-range']],
    );
  }),
);

test(
  'validate-inbox refuses an empty --counters or --inbox',
  withFiles([], async (counters, inbox) => {
    await assert.rejects(runValidateInbox({ counters, inbox: '' }), (err: unknown) => isRacetrackError(err, 'EINVALID'));
    await assert.rejects(runValidateInbox({ counters: '', inbox }), (err: unknown) => isRacetrackError(err, 'EINVALID'));
  }),
);
