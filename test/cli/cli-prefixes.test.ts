// A project with its own task ID prefixes: --prefixes, RACETRACK_PREFIXES and .racetrack.json, run
// as real child processes of the runtime under test. The first one found is the whole list.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { racetrack } from '../support/cli.ts';
import { inTempDirSync } from '../support/tmp.ts';

/** A project: `project/.racetrack.json` (when `config` is given) and `project/state/counters.json`. */
function project(dir: string, config?: string): { counters: string; root: string } {
  const root = join(dir, 'project');
  mkdirSync(join(root, 'state'), { recursive: true });
  if (config !== undefined) writeFileSync(join(root, '.racetrack.json'), config);
  const counters = join(root, 'state', 'counters.json');
  writeFileSync(counters, '{"counters":{"SEC":3}}\n');
  return { counters, root };
}

/** The environment without RACETRACK_PREFIXES, whatever the shell running the tests has set. */
const NO_ENV = { RACETRACK_PREFIXES: '' };

describe("racetrack reserve, validate-inbox and init-counters with a project's own prefixes", () => {
  test(
    "--prefixes replaces the spec's list for reserve, validate-inbox and init-counters",
    inTempDirSync((dir) => {
      const { counters, root } = project(dir);
      const r = racetrack(['reserve', '--counters', counters, '--prefixes', 'SEC,ACME', 'ACME', '2'], { env: NO_ENV });
      assert.equal(r.code, 0, r.stdout);
      assert.deepEqual(r.json().ids, ['ACME-1', 'ACME-2']);
      const inbox = join(root, 'inbox.json');
      writeFileSync(inbox, JSON.stringify({ tasks: [{ id: 'ACME-2' }] }));
      assert.equal(racetrack(['validate-inbox', '--counters', counters, '--inbox', inbox, '--prefixes', 'ACME'], { env: NO_ENV }).code, 0);
      assert.equal(racetrack(['validate-inbox', '--counters', counters, '--inbox', inbox], { env: NO_ENV }).code, 1, "ACME is not in the spec's list");
      const tasks = join(root, 'TASKS.md');
      writeFileSync(tasks, '| ACME-9 | a |\n| SEC-2 | b |\n');
      const init = racetrack(['init-counters', '--tasks', tasks, '--counters', counters, '--prefixes', 'ACME'], { env: NO_ENV });
      assert.equal(init.code, 0, init.stdout);
      assert.deepEqual(JSON.parse(readFileSync(counters, 'utf8')).counters, { SEC: 3, ACME: 9 });
    }),
  );

  test(
    'RACETRACK_PREFIXES gives the list when --prefixes is not given, and --prefixes wins over it',
    inTempDirSync((dir) => {
      const { counters } = project(dir);
      const fromEnv = racetrack(['reserve', '--counters', counters, 'ACME'], { env: { RACETRACK_PREFIXES: 'ACME' } });
      assert.equal(fromEnv.code, 0, fromEnv.stdout);
      assert.deepEqual(fromEnv.json().ids, ['ACME-1']);
      const refused = racetrack(['reserve', '--counters', counters, 'SEC'], { env: { RACETRACK_PREFIXES: 'ACME' } });
      assert.equal(refused.code, 2);
      assert.equal(refused.json().prefixesFrom, 'RACETRACK_PREFIXES');
      const fromOption = racetrack(['reserve', '--counters', counters, '--prefixes', 'SEC', 'SEC'], { env: { RACETRACK_PREFIXES: 'ACME' } });
      assert.deepEqual(fromOption.json().ids, ['SEC-4']);
    }),
  );

  test(
    '.racetrack.json above the counters file gives the list; RACETRACK_PREFIXES wins over it',
    inTempDirSync((dir) => {
      const { counters, root } = project(dir, '{"prefixes": ["ACME", "OPS"]}\n');
      const r = racetrack(['reserve', '--counters', counters, 'OPS'], { env: NO_ENV });
      assert.equal(r.code, 0, r.stdout);
      assert.deepEqual(r.json().ids, ['OPS-1']);
      const refused = racetrack(['reserve', '--counters', counters, 'SEC'], { env: NO_ENV });
      assert.equal(refused.code, 2);
      assert.deepEqual([refused.json().error, refused.json().prefixesFrom, refused.json().valid], ['EINVALID', join(root, '.racetrack.json'), ['ACME', 'OPS']]);
      assert.match(String(refused.json().message), /the list from .*\.racetrack\.json/);
      const env = racetrack(['reserve', '--counters', counters, 'SEC'], { env: { RACETRACK_PREFIXES: 'SEC' } });
      assert.deepEqual(env.json().ids, ['SEC-4']);
    }),
  );

  test(
    'with no list given anywhere, an unknown prefix says how a project sets its own',
    inTempDirSync((dir) => {
      const { counters } = project(dir);
      const r = racetrack(['reserve', '--counters', counters, 'ACME'], { env: NO_ENV });
      assert.equal(r.code, 2);
      assert.equal(r.json().prefixesFrom, 'default');
      assert.match(String(r.json().message), /--prefixes, RACETRACK_PREFIXES or \.racetrack\.json/);
    }),
  );

  test(
    'a bad list or a corrupt .racetrack.json is exit 2, and the counters file stays as it was',
    inTempDirSync((dir) => {
      for (const [config, args, code] of [
        ['{"prefixes": "ACME"}', [], 'ECORRUPT'],
        ['{"prefixes": [', [], 'ECORRUPT'],
        ['["ACME"]', [], 'ECORRUPT'],
        ['{"prefixes": ["acme"]}', [], 'EINVALID'],
        [undefined, ['--prefixes', 'SEC,no good'], 'EINVALID'],
        [undefined, ['--prefixes', ','], 'EINVALID'],
      ] as const) {
        const sub = join(dir, `case${readdirSync(dir).length}`);
        mkdirSync(sub);
        const { counters } = project(sub, config);
        const r = racetrack(['reserve', '--counters', counters, ...args, 'SEC'], { env: NO_ENV });
        assert.equal(r.code, 2, `${config} ${args.join(' ')}: ${r.stdout}`);
        assert.equal(r.json().error, code, `${config} ${args.join(' ')}`);
        assert.equal(readFileSync(counters, 'utf8'), '{"counters":{"SEC":3}}\n');
        assert.deepEqual(readdirSync(join(sub, 'project', 'state')), ['counters.json']);
      }
    }),
  );
});
