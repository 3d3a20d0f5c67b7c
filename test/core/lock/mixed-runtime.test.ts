// Node and Deno processes that share one lock exclude each other: both runtimes take the same
// O_EXCL lock file, write the same owner record and read each other's. Two Node and two Deno
// processes increment a plain counter under the lock; a lost exclusion shows as a repeated value.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { detectRuntime } from '../../../core/runtime.ts';
import { contendProcesses } from '../../support/contend.ts';
import { withTempDir } from '../../support/tmp.ts';

const built = import.meta.url.endsWith('.js');
const root = fileURLToPath(new URL(built ? '../../../../' : '../../../', import.meta.url));
const onDeno = detectRuntime().name === 'deno';
const dist = join(root, 'dist');
const nodeEntry = join(dist, 'harness/engine/process-entry.js');
const contender = (file: string) => ({ module: pathToFileURL(file).href, name: 'contend' });

/** How to start a contender on each runtime: the built engine and contender on Node, the sources on Deno. */
const runtimes = {
  node: {
    launch: { argv: [onDeno ? 'node' : process.execPath, nodeEntry], task: contender(join(dist, 'test/fixtures/contender.js')) },
    needs: nodeEntry,
  },
  deno: {
    launch: {
      argv: [onDeno ? process.execPath : join(root, 'node_modules/.bin/deno'), 'run', '-A', join(root, 'harness/engine/process-entry.ts')],
      task: contender(join(root, 'test/fixtures/contender.ts')),
    },
    needs: onDeno ? root : join(root, 'node_modules/.bin/deno'),
  },
};
const missing = Object.values(runtimes).find((r) => !existsSync(r.needs));

test('Node and Deno processes sharing one lock never hold it at once', { skip: missing && `needs ${missing.needs} (npm ci and npm run build)` }, () =>
  withTempDir(async (dir) => {
    writeFileSync(join(dir, 'counter'), '0');
    const count = 40;
    // Every contender waits at one start barrier, however long its runtime takes to start; the
    // start instant reaches the runtime that did not choose it on the wall clock.
    const parties = ['node', 'deno', 'node', 'deno'] as const;
    const results = await contendProcesses('lock-counter', { dir, impl: 'core', holdMs: 1 }, parties.length, count, (party) => runtimes[parties[party]!].launch);
    const seen = new Map<number, string>();
    results.forEach((outcomes, i) => {
      for (const o of outcomes) {
        assert.ok(o.ok, `${parties[i]} contender ${i} failed: ${o.ok ? '' : o.message}`);
        const value = o.value as number;
        assert.equal(seen.get(value), undefined, `counter value ${value} seen twice: two holders at once`);
        seen.set(value, parties[i]!);
      }
    });
    assert.equal(Number(readFileSync(join(dir, 'counter'), 'utf8')), 4 * count);
    // The runtimes really contended: their holds interleave rather than run one after the other.
    const order = [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, runtime]) => runtime);
    const switches = order.filter((runtime, i) => i > 0 && runtime !== order[i - 1]).length;
    assert.ok(switches >= 4, `the lock passed between Node and Deno only ${switches} times`);
  }),
);
