import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { defaultDeps, systemClock } from '../../../core/deps.ts';
import { listOrphans } from '../../../core/write/orphans.ts';
import { currentIdentity, pidSpaceTag } from '../../../core/runtime.ts';
import { formatTempName } from '../../../core/write/temp-name.ts';
import { DEAD_PID } from '../../fixtures/dead-holder.ts';
import { faultyFs } from '../../support/faulty-fs.ts';
import { inTempDirSync } from '../../support/tmp.ts';

const encoder = new TextEncoder();
const content = encoder.encode('{"entries": ["a", "b", "c"]}\n');

const ourSpace = currentIdentity().pidSpace;

/** Plants a temp of `file` named for `promised` by `pid` of our PID space (or `pidSpace`), holding `actual`. */
function plant(file: string, pid: number, threadId: number, promised: Uint8Array, actual = promised, pidSpace = ourSpace): string {
  const path = formatTempName(file, { pid, threadId, pidSpace }, 'c0ffee00', promised);
  writeFileSync(path, actual);
  return path;
}

test(
  "no temps, no orphans; unrelated files and other targets' temps are ignored",
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '{}');
    writeFileSync(`${file}.lock`, '');
    writeFileSync(join(dir, 'other.json.tmp.1.0.abc'), '');
    plant(join(dir, 'state.jsonl'), DEAD_PID, 0, content);
    assert.deepEqual(listOrphans(file), []);
  }),
);

test(
  "a dead writer's temps: proven when complete, unproven when torn",
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    const complete = plant(file, DEAD_PID, 3, content);
    const torn = plant(file, DEAD_PID + 1, 0, content, content.subarray(0, 10));
    const orphans = listOrphans(file).map((o) => ({ ...o, mtimeMs: 0, ageMs: 0 }));
    assert.deepEqual(
      orphans,
      [
        {
          path: complete,
          pid: DEAD_PID,
          pidSpaceTag: pidSpaceTag(ourSpace),
          threadId: 3,
          writer: 'dead',
          ageMs: 0,
          mtimeMs: 0,
          size: content.length,
          expectedSize: content.length,
          regularFile: true,
          provenComplete: true,
        },
        {
          path: torn,
          pid: DEAD_PID + 1,
          pidSpaceTag: pidSpaceTag(ourSpace),
          threadId: 0,
          writer: 'dead',
          ageMs: 0,
          mtimeMs: 0,
          size: 10,
          expectedSize: content.length,
          regularFile: true,
          provenComplete: false,
        },
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
  }),
);

test(
  'same size but different bytes does not prove a temp complete',
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    const forged = content.slice();
    forged[3] ^= 1;
    plant(file, DEAD_PID, 0, content, forged);
    assert.equal(listOrphans(file)[0]!.provenComplete, false);
  }),
);

test(
  "age is measured from the temp's last write by the injected clock",
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    plant(file, DEAD_PID, 0, content);
    const [probe] = listOrphans(file);
    const later = defaultDeps({ clock: { ...systemClock, now: () => probe!.mtimeMs + 90_000 } });
    assert.equal(listOrphans(file, {}, later)[0]!.ageMs, 90_000);
  }),
);

test(
  'writers: a live process, another thread of ours, this thread, a dead pid of our PID space',
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    const me = currentIdentity();
    const writers = new Map([
      [plant(file, process.ppid, 0, content), 'alive'],
      [plant(file, me.pid, me.threadId + 1, content), 'alive'],
      [plant(file, me.pid, me.threadId, content), 'this-thread'],
      [plant(file, DEAD_PID, 0, content), 'dead'],
    ]);
    assert.deepEqual(new Map(listOrphans(file).map((o) => [o.path, o.writer])), writers);
  }),
);

test(
  'a writer is unknown unless its name carries our PID space: another space, none, untagged and seed names',
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    const me = currentIdentity();
    const otherSpace = plant(file, DEAD_PID, 0, content, content, 'another-boot:4026531836');
    const noSpace = plant(file, DEAD_PID, 1, content, content, null);
    const untagged = `${file}.tmp.${DEAD_PID}.0.c0ffee00.${content.length}-0123456789abcdef`;
    writeFileSync(untagged, content);
    writeFileSync(`${file}.tmp.${me.pid}`, 'seed');
    writeFileSync(`${file}.tmp.${DEAD_PID}`, 'seed');
    writeFileSync(`${file}.tmp.backup`, 'who knows');
    const orphans = listOrphans(file);
    assert.deepEqual(
      orphans.map((o) => o.writer),
      orphans.map(() => 'unknown'),
    );
    assert.equal(orphans.length, 6);
    const byPath = new Map(orphans.map((o) => [o.path, o]));
    assert.deepEqual([byPath.get(otherSpace)!.pid, byPath.get(otherSpace)!.pidSpaceTag], [DEAD_PID, pidSpaceTag('another-boot:4026531836')]);
    assert.deepEqual([byPath.get(noSpace)!.pid, byPath.get(noSpace)!.pidSpaceTag], [DEAD_PID, null]);
    assert.deepEqual([byPath.get(untagged)!.pid, byPath.get(untagged)!.expectedSize], [DEAD_PID, content.length], 'an untagged name is still parsed');
    const seed = byPath.get(`${file}.tmp.${me.pid}`)!;
    assert.deepEqual([seed.pid, seed.threadId, seed.provenComplete], [me.pid, null, false], 'a seed temp names no thread and proves nothing');
    const unknown = byPath.get(`${file}.tmp.backup`)!;
    assert.deepEqual([unknown.pid, unknown.threadId], [null, null]);
  }),
);

test(
  'with assumeSameHost: false, no writer is judged by its pid',
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    const me = currentIdentity();
    plant(file, DEAD_PID, 0, content);
    plant(file, me.pid, me.threadId, content);
    assert.deepEqual(
      listOrphans(file, { assumeSameHost: false }).map((o) => o.writer),
      ['unknown', 'unknown'],
    );
  }),
);

test(
  'a symlink or directory named like a temp is reported as not a regular file and not followed',
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    const decoy = join(dir, 'decoy');
    writeFileSync(decoy, content);
    const dead = { pid: DEAD_PID, threadId: 0, pidSpace: ourSpace };
    symlinkSync(decoy, formatTempName(file, dead, 'aaaa', content));
    mkdirSync(formatTempName(file, dead, 'bbbb', content));
    const orphans = listOrphans(file);
    assert.equal(orphans.length, 2);
    for (const o of orphans) assert.deepEqual([o.regularFile, o.provenComplete], [false, false]);
  }),
);

test(
  'a writer that crashed before its rename leaves a temp that proves itself complete',
  inTempDirSync((dir) => {
    const file = join(dir, 'state.json');
    assert.throws(() => writeAtomic(file, content, {}, defaultDeps({ fs: faultyFs('rename', 'crash') })));
    const [orphan] = listOrphans(file);
    assert.equal(orphan!.writer, 'this-thread');
    assert.equal(orphan!.provenComplete, true);
  }),
);

test(
  'a missing directory is ENOTFOUND',
  inTempDirSync((dir) => {
    assert.throws(() => listOrphans(join(dir, 'no', 'state.json')), { code: 'ENOTFOUND' });
  }),
);
