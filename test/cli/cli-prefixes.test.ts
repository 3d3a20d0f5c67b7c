// A project with its own task ID prefixes, run as real child processes of the runtime under test.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { racetrack } from '../support/cli.ts';
import { inTempDirSync } from '../support/tmp.ts';

/** A project: `project/state/counters.json`. */
function project(dir: string): { counters: string; root: string } {
  const root = join(dir, 'project');
  mkdirSync(join(root, 'state'), { recursive: true });
  const counters = join(root, 'state', 'counters.json');
  writeFileSync(counters, '{"counters":{"SEC":3}}\n');
  return { counters, root };
}

describe('racetrack reserve, validate-inbox and init-counters with a project\'s own prefixes', () => {
  test('--prefixes replaces the spec\'s list for reserve, validate-inbox and init-counters', inTempDirSync((dir) => {
    const { counters, root } = project(dir);
    const r = racetrack(['reserve', '--counters', counters, '--prefixes', 'SEC,ACME', 'ACME', '2']);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(r.json().ids, ['ACME-1', 'ACME-2']);
    const inbox = join(root, 'inbox.json');
    writeFileSync(inbox, JSON.stringify({ tasks: [{ id: 'ACME-2' }] }));
    assert.equal(racetrack(['validate-inbox', '--counters', counters, '--inbox', inbox, '--prefixes', 'ACME']).code, 0);
    assert.equal(racetrack(['validate-inbox', '--counters', counters, '--inbox', inbox]).code, 1, 'ACME is not in the spec\'s list');
    const tasks = join(root, 'TASKS.md');
    writeFileSync(tasks, '| ACME-9 | a |\n| SEC-2 | b |\n');
    const init = racetrack(['init-counters', '--tasks', tasks, '--counters', counters, '--prefixes', 'ACME']);
    assert.equal(init.code, 0, init.stdout);
    assert.deepEqual(JSON.parse(readFileSync(counters, 'utf8')).counters, { SEC: 3, ACME: 9 });
  }));
});
