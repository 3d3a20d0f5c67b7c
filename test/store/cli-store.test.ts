import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { registryText } from '../../scenarios/workloads/claim.ts';
import { scriptCommand } from '../../core/runtime.ts';
import { cliPath, racetrack } from '../support/cli.ts';
import { NO_POSTGRES, useCluster } from '../support/pg.ts';
import { tempDir } from '../support/tmp.ts';

const cluster = useCluster();

describe('the store verbs', { skip: NO_POSTGRES }, () => {
  test('init-counters --store, then reserve --store and RACETRACK_STORE hand out the next IDs', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'TASKS.md'), '- SEC-19 first\n- UX-4 second\n');
      const init = racetrack(['init-counters', '--tasks', join(dir.path, 'TASKS.md'), '--store', cluster.url]);
      assert.equal(init.code, 0, init.stdout);
      assert.deepEqual(init.json().counters, { SEC: 19, UX: 4 });
      assert.equal(init.json().created, true);
      const first = racetrack(['reserve', '--store', cluster.url, 'SEC', '2']);
      assert.equal(first.code, 0, first.stdout);
      assert.deepEqual(first.json().ids, ['SEC-20', 'SEC-21']);
      const second = racetrack(['reserve', 'SEC'], { env: { RACETRACK_STORE: cluster.url } });
      assert.deepEqual(second.json().ids, ['SEC-22']);
      const again = racetrack(['init-counters', '--tasks', join(dir.path, 'TASKS.md'), '--store', cluster.url]);
      assert.equal(again.json().created, false);
      assert.deepEqual(again.json().counters, { SEC: 22, UX: 4 }, 'never lowered');
      assert.deepEqual(readdirSync(dir.path), ['TASKS.md'], 'no file written beside TASKS.md');
    } finally {
      dir.cleanup();
    }
  });

  test('bad input exits 2 with a JSON error: unknown prefix, an unreachable store, a non-postgres URL, --counters beside --store', () => {
    for (const args of [
      ['reserve', '--store', cluster.url, 'NOPE'],
      ['reserve', '--store', 'postgresql://racetrack@%2Fnonexistent:1/postgres', 'SEC'],
      ['reserve', '--store', 'mysql://db/x', 'SEC'],
      ['reserve', '--store', cluster.url, '--counters', 'c.json', 'SEC'],
    ]) {
      const run = racetrack(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`);
      assert.equal(run.json().error, 'EINVALID');
    }
  });

  test('store-registry import, find-next --store --claim, store-registry export into the file', () => {
    const dir = tempDir();
    try {
      const registry = join(dir.path, 'REGISTRY.md');
      writeFileSync(registry, registryText(2));
      const imported = racetrack(['store-registry', 'import', '--store', cluster.url, '--registry', registry]);
      assert.equal(imported.code, 0, imported.stdout);
      assert.deepEqual(imported.json(), { direction: 'import', sites: 4, batches: 2 });
      const claim = (owner: string) => racetrack(['find-next', '--store', cluster.url, '--mode', 'batch', '--phase', 'implement', '--claim', '--owner', owner]);
      const a = claim('a');
      const b = claim('b');
      assert.equal(a.code, 0, a.stdout);
      assert.deepEqual([a.json().batch, b.json().batch], ['001', '002']);
      assert.equal(a.json().owner, 'a');
      const none = claim('c');
      assert.equal(none.code, 1);
      assert.deepEqual(none.json(), { reason: 'no_work_found' });
      assert.equal(readFileSync(registry, 'utf8'), registryText(2), 'claims went to the store, not the file');
      const exported = racetrack(['store-registry', 'export', '--store', cluster.url, '--registry', registry]);
      assert.deepEqual(exported.json(), { direction: 'export', written: true });
      const text = readFileSync(registry, 'utf8');
      assert.match(text, /\| site-001-1\.example \| 001 \| i \| a \| \d{4}-/);
      assert.match(text, /\| site-002-2\.example \| 002 \| i \| b \| \d{4}-/);
      assert.deepEqual(readdirSync(dir.path), ['REGISTRY.md'], 'lock and temp gone');
      const readOnly = racetrack(['find-next', '--store', cluster.url, '--mode', 'status']);
      assert.equal(readOnly.code, 2, 'a store only claims');
    } finally {
      dir.cleanup();
    }
  });

  test('lock --store runs the command holding the lease; a held lease gives ELOCKED with --no-wait', () => {
    const dir = tempDir();
    try {
      const counter = join(dir.path, 'count');
      writeFileSync(counter, '0');
      const script = `n=$(cat ${counter}); echo $((n + 1)) > ${counter}`;
      const run = racetrack(['lock', '--store', cluster.url, 'section', '--', 'sh', '-c', script]);
      assert.equal(run.code, 0, run.stdout);
      assert.equal(readFileSync(counter, 'utf8').trim(), '1');
      const failing = racetrack(['lock', '--store', cluster.url, 'section', '--', 'sh', '-c', 'exit 7']);
      assert.equal(failing.code, 7, 'ends as the command ended');
      const nested = racetrack(['lock', '--store', cluster.url, '--stale-ms', '60000', 'held', '--', ...scriptCommand(cliPath), 'lock', '--store', cluster.url, '--no-wait', 'held', '--', 'true']);
      assert.equal(nested.code, 2, nested.stdout);
      assert.equal(nested.json().error, 'ELOCKED');
    } finally {
      dir.cleanup();
    }
  });
});

test('run --store with a server nobody answers at is exit 2 before the first iteration, and leaves no directory behind', () => {
  const dir = tempDir();
  try {
    const out = join(dir.path, 'runs', 'unreachable');
    const run = racetrack(['run', 'reserve', '--store', 'postgresql://racetrack@127.0.0.1:1/postgres', '--iterations', '3', '--workers', '2', '--out', out]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.equal(run.json().error, 'EINVALID');
    assert.equal(run.json().stage, 'store');
    assert.match(String(run.json().message), /cannot reach the PostgreSQL store/);
    assert.deepEqual(readdirSync(dir.path), [], 'neither the run directory nor its parents remain');
  } finally {
    dir.cleanup();
  }
});
