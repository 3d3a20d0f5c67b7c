import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filesystemOf, machineInfo } from '../../../harness/bench/machine.ts';

const MOUNTS = ['overlay / overlay rw,relatime 0 0', 'tmpfs /tmp tmpfs rw,nosuid 0 0', '/dev/vdb /tmp/data ext4 rw 0 0', '/dev/vdc /mnt/with\\040space xfs rw 0 0'].join('\n');

test('the file system of a directory is that of the longest mount point above it', () => {
  assert.equal(filesystemOf('/tmp/data/x', MOUNTS), 'ext4 (mounted at /tmp/data)');
  assert.equal(filesystemOf('/tmp/database', MOUNTS), 'tmpfs (mounted at /tmp)');
  assert.equal(filesystemOf('/home/me', MOUNTS), 'overlay (mounted at /)');
  assert.equal(filesystemOf('/mnt/with space/y', MOUNTS), 'xfs (mounted at /mnt/with space)');
  assert.equal(filesystemOf('/x', ''), 'unknown');
});

test('the machine description names what a reader needs to compare runs', () => {
  const m = machineInfo([1, 2, 3]);
  assert.ok(m.nproc >= 1);
  assert.ok(m.cpuModel.length > 0);
  assert.ok(m.memoryGiB > 0);
  assert.match(m.runtime, /^(node|deno) /);
  assert.deepEqual(m.loadAverage.start, [1, 2, 3]);
  assert.equal(m.loadAverage.end.length, 3);
});
