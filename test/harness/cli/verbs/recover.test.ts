import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRacetrackError } from '../../../../core/errors.ts';
import { currentIdentity } from '../../../../core/runtime.ts';
import { formatTempName } from '../../../../core/write/temp-name.ts';
import { runRecover } from '../../../../harness/cli/verbs/recover.ts';
import { DEAD_PID } from '../../../fixtures/dead-holder.ts';
import { inTempDir } from '../../../support/tmp.ts';

test(
  'recover with no orphans exits 0 and says there is nothing to do',
  inTempDir(async (dir) => {
    const file = join(dir, 'STATE.md');
    writeFileSync(file, 'state: 1\n');
    const result = await runRecover({ file, minAgeMs: '60000' });
    assert.deepEqual(result, {
      exitCode: 0,
      output: { target: file, deleted: [], kept: [], lockBroken: false, lockLeftovers: [], summary: 'nothing to do' },
    });
    assert.deepEqual(readdirSync(dir), ['STATE.md']);
  }),
);

test(
  "recover deletes a dead writer's torn temp and reports it",
  inTempDir(async (dir) => {
    const file = join(dir, 'STATE.md');
    writeFileSync(file, 'state: 1\n');
    const temp = formatTempName(file, { pid: DEAD_PID, threadId: 0, pidSpace: currentIdentity().pidSpace }, 'feed', new TextEncoder().encode('state: 2\n'));
    writeFileSync(temp, 'sta');
    const result = await runRecover({ file, minAgeMs: '60000' });
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.output, {
      target: file,
      deleted: [{ path: temp, why: 'writer-dead', proven: false }],
      kept: [],
      lockBroken: false,
      lockLeftovers: [],
      summary: 'deleted 1, kept 0',
    });
    assert.equal(readFileSync(file, 'utf8'), 'state: 1\n');
  }),
);

test(
  'recover in a missing directory is ENOTFOUND; a bad minimum age is EINVALID',
  inTempDir(async (dir) => {
    await assert.rejects(runRecover({ file: join(dir, 'no', 'STATE.md'), minAgeMs: '60000' }), (err: unknown) => isRacetrackError(err, 'ENOTFOUND'));
    await assert.rejects(runRecover({ file: join(dir, 'STATE.md'), minAgeMs: '-5' }), (err: unknown) => isRacetrackError(err, 'EINVALID'));
    assert.deepEqual(readdirSync(dir), []);
  }),
);
