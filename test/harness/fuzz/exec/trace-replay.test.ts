import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayTrace } from '../../../../harness/fuzz/exec/trace-replay.ts';
import { SimDisk } from '../../../../harness/sim/sim-disk.ts';
import { listImage } from '../../../../harness/sim/sim-image.ts';
import { parseTrace } from '../../../../harness/strace/parse.ts';

const REAL = '/tmp/case';
const SIM = '/fuzz';

/** A simulated disk holding the case root, and the replay of `lines` (strace -f -ttt -T -y) onto it. */
function replay(lines: readonly string[]) {
  const disk = new SimDisk(() => 0);
  const fs = disk.facade();
  fs.mkdir(SIM);
  fs.close(fs.openTruncate(`${SIM}/counters.json`));
  disk.checkpoint();
  const trace = parseTrace(lines.map((l, i) => `100 ${1 + i / 1000} ${l}`).join('\n'));
  const replayed = replayTrace({ fs, calls: () => disk.calls, entries: () => listImage(disk.snapshot()) }, [{ op: 0, trace }], REAL, SIM, []);
  return { disk, ...replayed };
}

const LINES = [
  `openat(AT_FDCWD</w>, "${REAL}/counters.json.lock", O_WRONLY|O_CREAT|O_EXCL|O_TRUNC|O_CLOEXEC, 0666) = 3<${REAL}/counters.json.lock> <0.000010>`,
  `write(3<${REAL}/counters.json.lock>, "1", 1) = 1 <0.000010>`,
  `close(3<${REAL}/counters.json.lock>) = 0 <0.000010>`,
  `openat(AT_FDCWD</w>, "${REAL}/counters.json.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3<${REAL}/counters.json.tmp> <0.000010>`,
  `close(3<${REAL}/counters.json.tmp>) = 0 <0.000010>`,
  `openat(AT_FDCWD</w>, "${REAL}/counters.json", O_RDONLY|O_CLOEXEC) = 3<${REAL}/counters.json> <0.000010>`,
  `close(3<${REAL}/counters.json>) = 0 <0.000010>`,
  `openat(AT_FDCWD</w>, "${REAL}/flock", O_WRONLY|O_CREAT|O_APPEND, 0666) = 4<${REAL}/flock> <0.000010>`,
  `close(4<${REAL}/flock>) = 0 <0.000010>`,
  `rename("${REAL}/counters.json.tmp", "${REAL}/counters.json") = 0 <0.000010>`,
];

test('each replayed call is listed once, and the disk counts one call for it', () => {
  const { disk, calls } = replay(LINES);
  assert.deepEqual(
    calls.map((c) => c.replace(/\(.*$/, '')),
    ['openat', 'write', 'close', 'openat', 'close', 'openat', 'close', 'rename'],
    'the read-only open and its close change nothing on the disk, and are no calls',
  );
  assert.equal(disk.calls, calls.length, 'one line per call the disk counted');
});

test("a case recorded when the replay's look-ups were calls maps each of its instants to the same state now", () => {
  const { formerInstants } = replay(LINES);
  // Then: lstat, open, write, close | lstat, open, close | lstat | lstat, open, close at once (and no call at its close) | rename.
  assert.deepEqual(formerInstants, [0, 0, 1, 2, 3, 3, 4, 5, 5, 5, 6, 6, 8]);
});

test('a sync makes every directory and file of the root durable, one call each, with no look-up counted', () => {
  const { disk, calls } = replay([
    `mkdir("${REAL}/d", 0777) = 0 <0.000010>`,
    `openat(AT_FDCWD</w>, "${REAL}/d/f", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3<${REAL}/d/f> <0.000010>`,
    `close(3<${REAL}/d/f>) = 0 <0.000010>`,
    'sync() = 0 <0.000010>',
  ]);
  // The root, counters.json, d and d/f.
  assert.deepEqual(
    calls.map((c) => c.replace(/\(.*$/, '')),
    ['mkdir', 'openat', 'close', 'sync', 'sync', 'sync', 'sync'],
  );
  assert.deepEqual(
    disk.log.filter((e) => e.key !== null && e.durableAt === null),
    [],
    'nothing is pending after the sync',
  );
});
