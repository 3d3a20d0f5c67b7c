import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeAtomic } from '../../core/atomic-write.ts';
import { defaultDeps, systemClock } from '../../core/deps.ts';
import { listOrphans } from '../../core/orphans.ts';
import { currentIdentity } from '../../core/runtime.ts';
import { formatTempName } from '../../core/temp-name.ts';
import { DEAD_PID } from '../fixtures/dead-holder.ts';
import { faultyFs } from '../support/faulty-fs.ts';
import { inTempDirSync } from '../support/tmp.ts';

const encoder = new TextEncoder();
const content = encoder.encode('{"entries": ["a", "b", "c"]}\n');

/** Plants a temp of `file` named for `promised`, holding `actual`. */
function plant(file: string, pid: number, threadId: number, promised: Uint8Array, actual = promised): string {
  const path = formatTempName(file, pid, threadId, 'c0ffee00', promised);
  writeFileSync(path, actual);
  return path;
}

test('no temps, no orphans; unrelated files and other targets\' temps are ignored', inTempDirSync((dir) => {
  const file = join(dir, 'state.json');
  writeFileSync(file, '{}');
  writeFileSync(`${file}.lock`, '');
  writeFileSync(join(dir, 'other.json.tmp.1.0.abc'), '');
  plant(join(dir, 'state.jsonl'), DEAD_PID, 0, content);
  assert.deepEqual(listOrphans(file), []);
}));

test('a dead writer\'s temps: proven when complete, unproven when torn', inTempDirSync((dir) => {
  const file = join(dir, 'state.json');
  const complete = plant(file, DEAD_PID, 3, content);
  const torn = plant(file, DEAD_PID + 1, 0, content, content.subarray(0, 10));
  const orphans = listOrphans(file).map((o) => ({ ...o, mtimeMs: 0, ageMs: 0 }));
  assert.deepEqual(orphans, [
    { path: complete, pid: DEAD_PID, threadId: 3, writer: 'dead', ageMs: 0, mtimeMs: 0, size: content.length, expectedSize: content.length, regularFile: true, provenComplete: true },
    { path: torn, pid: DEAD_PID + 1, threadId: 0, writer: 'dead', ageMs: 0, mtimeMs: 0, size: 10, expectedSize: content.length, regularFile: true, provenComplete: false },
  ].sort((a, b) => (a.path < b.path ? -1 : 1)));
}));

test('same size but different bytes does not prove a temp complete', inTempDirSync((dir) => {
  const file = join(dir, 'state.json');
  const forged = content.slice();
  forged[3] ^= 1;
  plant(file, DEAD_PID, 0, content, forged);
  assert.equal(listOrphans(file)[0]!.provenComplete, false);
}));

test('age is measured from the temp\'s last write by the injected clock', inTempDirSync((dir) => {
  const file = join(dir, 'state.json');
  plant(file, DEAD_PID, 0, content);
  const [probe] = listOrphans(file);
  const later = defaultDeps({ clock: { ...systemClock, now: () => probe!.mtimeMs + 90_000 } });
  assert.equal(listOrphans(file, {}, later)[0]!.ageMs, 90_000);
}));

test('writers: a live process, another thread of ours, this thread, the seed\'s names, unknown names', inTempDirSync((dir) => {
  const file = join(dir, 'state.json');
  const me = currentIdentity();
  const writers = new Map([
    [plant(file, process.ppid, 0, content), 'alive'],
    [plant(file, me.pid, me.threadId + 1, content), 'alive'],
    [plant(file, me.pid, me.threadId, content), 'this-thread'],
  ]);
  writeFileSync(`${file}.tmp.${me.pid}`, 'seed');
  writeFileSync(`${file}.tmp.${DEAD_PID}`, 'seed');
  writeFileSync(`${file}.tmp.backup`, 'who knows');
  writers.set(`${file}.tmp.${me.pid}`, 'alive').set(`${file}.tmp.${DEAD_PID}`, 'dead').set(`${file}.tmp.backup`, 'unknown');
  const orphans = listOrphans(file);
  assert.deepEqual(new Map(orphans.map((o) => [o.path, o.writer])), writers);
  const seed = orphans.find((o) => o.path === `${file}.tmp.${me.pid}`)!;
  assert.deepEqual([seed.pid, seed.threadId, seed.provenComplete], [me.pid, null, false], 'a seed temp names no thread and proves nothing');
  const unknown = orphans.find((o) => o.path === `${file}.tmp.backup`)!;
  assert.deepEqual([unknown.pid, unknown.threadId], [null, null]);
}));

test('with assumeSameHost: false, no writer is judged by its pid', inTempDirSync((dir) => {
  const file = join(dir, 'state.json');
  const me = currentIdentity();
  plant(file, DEAD_PID, 0, content);
  plant(file, me.pid, me.threadId, content);
  assert.deepEqual(listOrphans(file, { assumeSameHost: false }).map((o) => o.writer), ['unknown', 'unknown']);
}));

test('a symlink or directory named like a temp is reported as not a regular file and not followed', inTempDirSync((dir) => {
  const file = join(dir, 'state.json');
  const decoy = join(dir, 'decoy');
  writeFileSync(decoy, content);
  symlinkSync(decoy, formatTempName(file, DEAD_PID, 0, 'aaaa', content));
  mkdirSync(formatTempName(file, DEAD_PID, 0, 'bbbb', content));
  const orphans = listOrphans(file);
  assert.equal(orphans.length, 2);
  for (const o of orphans) assert.deepEqual([o.regularFile, o.provenComplete], [false, false]);
}));

test('a writer that crashed before its rename leaves a temp that proves itself complete', inTempDirSync((dir) => {
  const file = join(dir, 'state.json');
  assert.throws(() => writeAtomic(file, content, {}, defaultDeps({ fs: faultyFs('rename', 'crash') })));
  const [orphan] = listOrphans(file);
  assert.equal(orphan!.writer, 'this-thread');
  assert.equal(orphan!.provenComplete, true);
}));

test('a missing directory is ENOTFOUND', inTempDirSync((dir) => {
  assert.throws(() => listOrphans(join(dir, 'no', 'state.json')), { code: 'ENOTFOUND' });
}));
