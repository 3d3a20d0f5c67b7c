import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crashImage, planInstant, POWER_LOSS_MODEL } from '../../../harness/sim/power-loss.ts';
import { SimDisk } from '../../../harness/sim/sim-disk.ts';
import { listImage, type SimImage } from '../../../harness/sim/sim-image.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function contents(image: SimImage): Record<string, string> {
  return Object.fromEntries(
    listImage(image)
      .filter((e) => e.kind === 'file')
      .map((e) => [e.path, dec.decode(e.data)]),
  );
}

/** Every crash state a power loss can leave after the calls made so far. */
function statesAfter(disk: SimDisk, instant = disk.calls): Record<string, string>[] {
  const plan = planInstant(disk.log, instant, { maxStates: 10_000, seed: 1, base: disk.base });
  const seen = new Map<string, Record<string, string>>();
  for (const choices of plan.states) {
    const c = contents(crashImage(disk.base, disk.log, instant, choices));
    seen.set(JSON.stringify(c), c);
  }
  return [...seen.values()];
}

function setup(): { disk: SimDisk; fs: ReturnType<SimDisk['facade']> } {
  const disk = new SimDisk();
  const fs = disk.facade();
  fs.mkdir('/d');
  const fd = fs.openExclusive('/d/target');
  fs.write(fd, enc.encode('old'));
  fs.close(fd);
  disk.checkpoint();
  return { disk, fs };
}

test('everything written before a checkpoint survives any power loss', () => {
  const { disk } = setup();
  assert.deepEqual(statesAfter(disk), [{ '/d/target': 'old' }]);
});

test('temp, fsync, rename, fsync dir: a power loss leaves the old or the new file, never a torn or empty one', () => {
  const { disk, fs } = setup();
  const fd = fs.openExclusive('/d/tmp');
  fs.write(fd, enc.encode('new!'));
  fs.fsync(fd);
  fs.close(fd);
  fs.rename('/d/tmp', '/d/target');
  for (let instant = 0; instant <= disk.calls; instant++) {
    for (const s of statesAfter(disk, instant)) assert.ok(['old', 'new!'].includes(s['/d/target']!), `instant ${instant}: ${JSON.stringify(s)}`);
  }
  fs.fsyncDir('/d');
  assert.deepEqual(statesAfter(disk), [{ '/d/target': 'new!' }]);
});

test('a rename without fsync can survive while the data it points to does not', () => {
  const { disk, fs } = setup();
  const fd = fs.openExclusive('/d/tmp');
  fs.write(fd, enc.encode('new!'));
  fs.close(fd);
  fs.rename('/d/tmp', '/d/target');
  const targets = new Set(statesAfter(disk).map((s) => s['/d/target']));
  assert.ok(targets.has('old'), 'the rename lost');
  assert.ok(targets.has(''), 'the rename kept, the data lost: an empty file');
  assert.ok(targets.has('ne'), 'the data torn');
  assert.ok(targets.has('\0\0\0\0'), 'the size kept, the data not written');
});

test('per directory, pending entries survive in call order (a later create never without an earlier one)', () => {
  const { disk, fs } = setup();
  fs.close(fs.openExclusive('/d/a'));
  fs.close(fs.openExclusive('/d/b'));
  const names = statesAfter(disk).map((s) => Object.keys(s).sort().join(','));
  assert.deepEqual(names.sort(), ['/d/a,/d/b,/d/target', '/d/a,/d/target', '/d/target']);
});

test('fsync of a file makes its data durable but not its name', () => {
  const { disk, fs } = setup();
  const fd = fs.openExclusive('/d/f');
  fs.write(fd, enc.encode('data'));
  fs.fsync(fd);
  fs.close(fd);
  const states = statesAfter(disk).map((s) => s['/d/f']);
  assert.deepEqual(states.sort(), [undefined, 'data'].sort());
});

test('the pending data of a file no crash state can reach does not multiply the states', () => {
  const { disk, fs } = setup();
  const fd = fs.openExclusive('/d/x.lock');
  fs.write(fd, enc.encode('record'));
  fs.close(fd);
  fs.unlink('/d/x.lock');
  fs.fsyncDir('/d');
  const plan = planInstant(disk.log, disk.calls, { maxStates: 100, seed: 1, base: disk.base });
  assert.equal(plan.total, 1);
});

test('a checkpoint, the log and the call count describe what happened since', () => {
  const { disk, fs } = setup();
  assert.equal(disk.calls, 0);
  fs.mkdir('/d/e');
  assert.throws(() => fs.mkdir('/d/e'), { code: 'EEXIST' });
  assert.equal(disk.calls, 2);
  assert.deepEqual(
    disk.log.map((e) => [e.op.kind, e.call]),
    [
      ['create', 0],
      ['link', 0],
    ],
  );
  assert.match(POWER_LOSS_MODEL, /fsyncDir/);
});
