// `npm run check:bench-html -- FILE` runs this script with FILE: it must render that report (not
// run a bench of its own), and say so at once when FILE is wrong.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { scriptCommand, siblingModule } from '../../../core/runtime.ts';
import { inTempDirSync } from '../../support/tmp.ts';

const script = fileURLToPath(siblingModule(import.meta.url, '../../../harness/cli/check-bench-html'));

function check(args: readonly string[], cwd: string): { status: number | null; json(): Record<string, unknown> } {
  const [cmd, ...base] = scriptCommand(script);
  // npm runs a script in the package root and says where it was run from in INIT_CWD.
  const r = spawnSync(cmd!, [...base, ...args], { cwd: process.cwd(), env: { ...process.env, INIT_CWD: cwd }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
}

test(
  'a FILE that does not exist is exit 2 naming it, taken from where npm was run, before any bench or browser',
  inTempDirSync((dir) => {
    const r = check(['bench.json'], dir);
    assert.equal(r.status, 2);
    assert.deepEqual([r.json().error, r.json().path], ['ENOTFOUND', join(dir, 'bench.json')]);
  }),
);

test(
  'a FILE that is not a bench report is ECORRUPT, and an unknown option EINVALID',
  inTempDirSync((dir) => {
    writeFileSync(join(dir, 'bench.json'), '{"not json');
    assert.equal(check(['bench.json', '--out', 'o'], dir).json().error, 'ECORRUPT');
    const unknown = check(['--frob'], dir);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.json().error, 'EINVALID');
  }),
);
