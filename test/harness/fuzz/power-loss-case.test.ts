import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pendingFate } from '../../../harness/fuzz/power-loss-case.ts';
import { SimDisk } from '../../../harness/sim/sim-disk.ts';

const callsIn = (lines: readonly string[]) => lines.map((l) => Number(/^call (\d+):/.exec(l)?.[1]));

test('the pending changes kept and lost by a power loss are listed in the order their calls were made', () => {
  const disk = new SimDisk(() => 0);
  const fs = disk.facade();
  fs.mkdir('/r');
  fs.close(fs.openTruncate('/r/a'));
  disk.checkpoint();
  // Directory entries and file data interleaved, nothing made durable.
  const tmp = fs.openExclusive('/r/a.tmp'); // call 0: entry
  fs.write(tmp, new Uint8Array([1, 2])); // call 1: data
  fs.close(tmp); // call 2
  fs.rename('/r/a.tmp', '/r/a'); // call 3: entry
  const b = fs.openExclusive('/r/b'); // call 4: entry
  fs.write(b, new Uint8Array([3])); // call 5: data
  fs.close(b); // call 6

  const instant = disk.calls;
  const lost = pendingFate(disk, { instant, choices: [] }, '/r').lost;
  assert.deepEqual(callsIn(lost), [0, 1, 3, 4, 5]);

  const dirKey = disk.log.find((e) => e.key?.startsWith('dir:'))!.key!;
  const kept = pendingFate(disk, { instant, choices: [{ key: dirKey, keep: 3 }] }, '/r');
  assert.deepEqual(callsIn(kept.kept), [0, 3, 4]);
  assert.deepEqual(callsIn(kept.lost), [1, 5]);
});
