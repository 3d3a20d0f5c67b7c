import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isRacetrackError } from '../../../core/errors.ts';
import { checkHosts, hostName, onHost } from '../../../harness/engine/hosts.ts';
import { runProcesses } from '../../../harness/engine/process-group.ts';
import { launchOf } from '../../../harness/engine/process-party.ts';
import { runScenario } from '../../../harness/engine/run.ts';
import { taskRef } from '../../../harness/engine/task.ts';
import type { Whereabouts } from '../../fixtures/host-probe.ts';
import { tempDir } from '../../support/tmp.ts';

const probe = taskRef(import.meta.url, '../../fixtures/host-probe', 'whereAmI');

describe('simulated hosts', () => {
  test('each worker runs as PID 1 of its own PID space, under its host name, seeing only its own processes', async () => {
    const out = await runProcesses<Whereabouts>({ task: probe, inputs: [null, null, null], launch: (party) => onHost(launchOf(probe), party) });
    assert.deepEqual(
      out.map((w) => w.host),
      [hostName(0), hostName(1), hostName(2)],
    );
    for (const w of out) {
      assert.notEqual(w.host, hostname());
      assert.equal(w.pid, 1, 'the worker is PID 1 of its namespace');
      assert.ok(w.visiblePids <= 3, `it sees only its own processes (${w.visiblePids})`);
    }
  });

  test('--hosts is checked before anything runs', () => {
    assert.throws(
      () => checkHosts(4, 3, 'process', false),
      (e) => isRacetrackError(e, 'EINVALID'),
    );
    assert.throws(
      () => checkHosts(2, 4, 'thread', false),
      (e) => isRacetrackError(e, 'EINVALID'),
    );
    assert.throws(
      () => checkHosts(2, 4, 'process', true),
      (e) => isRacetrackError(e, 'EINVALID'),
    );
    checkHosts(2, 4, 'process', false);
  });

  test('the lock scenario passes with its workers on three hosts', async () => {
    const dir = tempDir();
    try {
      const outDir = join(dir.path, 'out');
      mkdirSync(outDir);
      const { result } = await runScenario({ scenario: 'lock', iterations: 5, workers: 6, isolation: 'process', hosts: 3, seed: 7, outDir, maxCollisionRate: 0, sut: 'core', keep: [] });
      assert.equal(result.verdict, 'pass');
      assert.equal(result.hosts, 3);
      assert.equal(result.operations.ok, result.operations.attempted);
      assert.ok(result.operations.attempted >= 30);
    } finally {
      dir.cleanup();
    }
  });
});
