// `racetrack recover`, run as real child processes of the runtime under test (Node on the built
// output, Deno on the sources), beside live writers of the file it recovers.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readEntries } from '../../core/registry/entries.ts';
import { parseRegistry } from '../../core/registry/table.ts';
import { currentIdentity } from '../../core/runtime.ts';
import { formatTempName } from '../../core/write/temp-name.ts';
import { registryText, uniformBatches } from '../fixtures/registry-text.ts';
import { contendProcesses } from '../support/contend.ts';
import { racetrack, startRacetrack, until } from '../support/cli.ts';
import { tempDir } from '../support/tmp.ts';

const dir = tempDir('racetrack-cli-recover-');
after(() => dir.cleanup());

describe('racetrack recover', () => {
  test('recovering REGISTRY.md waits for a claim in progress under REGISTRY.lock, and the claim is kept', async () => {
    const root = join(dir.path, 'claim');
    mkdirSync(root);
    const registry = join(root, 'REGISTRY.md');
    writeFileSync(registry, registryText(uniformBatches(2, 2, 'O')));
    const ready = join(root, 'claimer.ready');
    const go = join(root, 'claimer.go');
    // A live claimer, stopped with its claim written to its temp and not yet renamed into place.
    const claim = contendProcesses('claim-paused-before-rename', { registry, owner: 'agent-7', ready, go }, 1, 1);
    await until('the claimer holds the lock with its temp written', () => existsSync(ready));
    // --min-age-ms 0: every temp counts as old, so only the lock keeps the claimer's temp safe.
    const recovery = startRacetrack(['recover', registry, '--min-age-ms', '0']);
    let exited = false;
    void recovery.done.then(() => (exited = true));
    const queue = join(root, 'REGISTRY.lock.q');
    await until('recover waits for REGISTRY.lock (or has run without it)', () => exited || (existsSync(queue) && readdirSync(queue).length > 0));
    writeFileSync(go, '');
    const [[outcome]] = await claim;
    const recovered = await recovery.done;
    assert.deepEqual(outcome, { ok: true, value: { batch: '001' } }, 'the claim went through');
    assert.equal(recovered.code, 0, recovered.stdout);
    assert.deepEqual(JSON.parse(recovered.stdout).deleted, [], 'recover found no temp: it ran after the claim');
    const owners = readEntries(parseRegistry(readFileSync(registry, 'utf8'))).map((e) => `${e.batch} ${e.status} ${e.owner}`);
    assert.deepEqual(owners, ['001 i agent-7', '001 i agent-7', '002 O ', '002 O ']);
    assert.deepEqual(readdirSync(root).sort(), ['REGISTRY.md', 'claimer.go', 'claimer.ready']);
  });

  test('--min-age-ms 0 deletes a young temp whose writer is unknown; the target is never replaced', () => {
    const file = join(dir.path, 'STATE.md');
    writeFileSync(file, 'state: 1\n');
    utimesSync(file, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const foreign = formatTempName(file, { pid: 1, threadId: 0, pidSpace: 'a container:4026532000' }, '0a0b0c0d', new TextEncoder().encode('state: 2\n'));
    writeFileSync(foreign, 'state: 2\n');
    const young = racetrack(['recover', file]);
    assert.equal(young.code, 0, young.stdout);
    assert.deepEqual(young.json().kept, [{ path: foreign, why: 'in-progress', writer: 'unknown' }]);
    const now = racetrack(['recover', file, '--min-age-ms', '0']);
    assert.equal(now.code, 0, now.stdout);
    assert.deepEqual(now.json().deleted, [{ path: foreign, why: 'old', proven: true }]);
    assert.equal(now.json().summary, 'deleted 1, kept 0');
    assert.equal(readFileSync(file, 'utf8'), 'state: 1\n', 'a complete temp newer than the file is discarded, not published');
  });

  test('--lock-file names the lock; a bad --min-age-ms or the file itself as its lock is exit 2 and changes nothing', () => {
    const file = join(dir.path, 'data.json');
    writeFileSync(file, '{}\n');
    const temp = formatTempName(file, { ...currentIdentity(), pid: 4_194_305 }, '01020304', new TextEncoder().encode('{"a":1}\n'));
    writeFileSync(temp, '{"a"');
    const before = readdirSync(dir.path).sort();
    for (const args of [
      ['--min-age-ms', '-1'],
      ['--min-age-ms', 'soon'],
      ['--lock-file', file],
    ]) {
      const r = racetrack(['recover', file, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.json().error, 'EINVALID');
    }
    assert.deepEqual(readdirSync(dir.path).sort(), before);
    const r = racetrack(['recover', file, '--lock-file', join(dir.path, 'data.lock')]);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(r.json().deleted, [{ path: temp, why: 'writer-dead', proven: false }]);
    assert.equal(existsSync(join(dir.path, 'data.lock')), false);
  });
});
