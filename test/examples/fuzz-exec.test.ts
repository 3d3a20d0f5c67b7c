// `racetrack fuzz --exec` on the specs' own scripts: each gets the verdict it deserves, crash
// points and power loss, and a failure is shrunk and replays. Real scripts under real strace.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFuzz, runFuzzCase, type FuzzReport } from '../../harness/fuzz/run-fuzz.ts';
import { detectStrace } from '../../harness/strace/detect.ts';
import process from 'node:process';
import { cliPath } from '../support/cli.ts';
import { examplesDir } from '../support/examples.ts';
import { python } from '../harness/strace/strace-fixtures.ts';

const EXAMPLES = examplesDir();
const script = (name: string) => `'${join(EXAMPLES, name)}'`;
const skip = detectStrace() === null ? 'strace is not installed (apt-get install strace)' : false;

function fuzz(primitive: string, command: string, powerLoss: boolean, runs = 3, maxStates?: number): Promise<FuzzReport> {
  return runFuzz({ primitive, sut: 'exec', runs, seed: 7, powerLoss, ...(maxStates === undefined ? {} : { maxStates }), exec: { command, keep: [], timeoutMs: 30_000 } });
}

test('write-in-place.sh fails at a crash point: the target is left empty, neither old nor new; the shrunk case replays', { skip }, async () => {
  const r = await fuzz('write', `bash ${script('write-in-place.sh')} {file} {payload}`, false);
  assert.equal(r.verdict, 'fail');
  const f = r.failure!;
  assert.deepEqual(
    f.violations.map((v) => v.invariant),
    ['target-old-or-new'],
  );
  assert.equal(f.case.ops?.length, 1, 'shrunk to one write');
  assert.match(f.crash, /O_TRUNC/, 'killed right after the truncating open');
  assert.equal(r.crashPointsMissed, 0);
  const again = await runFuzzCase(f.case);
  assert.deepEqual(
    again?.violations.map((v) => v.invariant),
    ['target-old-or-new'],
  );
});

test("the spec's write_atomic passes every crash point (its temp is left, and the next write goes on)", { skip }, async () => {
  const r = await fuzz('write', `bash ${script('write-atomic.sh')} {file} {payload}`, false);
  assert.equal(r.verdict, 'pass', JSON.stringify(r.failure?.violations));
  assert.ok(r.crashStates > 3 * 3, `each case crashed at its points (${r.crashStates} states)`);
  assert.equal(r.crashPointsMissed, 0);
});

test("the spec's write_atomic fails power loss: the rename reaches the disk, the data never does", { skip }, async () => {
  const r = await fuzz('write', `bash ${script('write-atomic.sh')} {file} {payload}`, true);
  assert.equal(r.verdict, 'fail');
  assert.equal(r.mode, 'power-loss');
  assert.ok(r.failure!.violations.some((v) => v.invariant === 'target-old-or-new'));
  assert.ok((r.failure!.lost ?? []).length > 0, 'some pending change was lost');
  const again = await runFuzzCase(r.failure!.case);
  assert.ok(
    again?.violations.some((v) => v.invariant === 'target-old-or-new'),
    'the power-loss state replays',
  );
});

test('write-atomic-sync.sh (sync the temp, rename, sync the directory) passes power loss', { skip }, async () => {
  const r = await fuzz('write', `bash ${script('write-atomic-sync.sh')} {file}`, true);
  assert.equal(r.verdict, 'pass', JSON.stringify(r.failure?.violations));
  assert.ok(r.crashStates > 3, `crash states were explored (${r.crashStates})`);
});

test('alloc-flock.sh passes every crash point: the kernel lock dies with its holder, no number twice', { skip }, async () => {
  const r = await fuzz('allocate', `bash ${script('alloc-flock.sh')} {root} {name}`, false, 2);
  assert.equal(r.verdict, 'pass', JSON.stringify(r.failure?.violations));
  assert.equal(r.crashPointsMissed, 0);
});

test("the spec's Node reserver fails power loss: no fsync, so the renamed counters can come back empty", { skip }, async () => {
  const r = await fuzz('reserve', `node ${script('reserve-task-ids.cjs')} {counters} {prefix} {count}`, true, 1);
  assert.equal(r.verdict, 'fail');
  assert.ok(
    r.failure!.violations.some((v) => v.invariant === 'counters-parse' || v.invariant === 'ids-unique' || v.invariant === 'counter-old-or-new'),
    JSON.stringify(r.failure!.violations),
  );
});

test('reserve.py (flock, temp, fsync, rename, directory fsync) passes power loss', { skip: skip || (python === null ? 'python3 is not installed' : false) }, async () => {
  const r = await fuzz('reserve', `${python} ${script('reserve.py')} {counters} {prefix} {count}`, true, 1);
  assert.equal(r.verdict, 'pass', JSON.stringify(r.failure?.violations));
  assert.ok(r.crashStates > 1);
});

test("racetrack's own claimer, run as a foreign command, passes its sampled crash points: the registry parses, no batch to two owners", { skip }, async () => {
  const command = `'${process.execPath}' '${cliPath}' find-next --registry {registry} --mode batch --phase implement --claim --owner {owner} --quiet`;
  const r = await fuzz('claim', command, false, 1, 6);
  assert.equal(r.verdict, 'pass', JSON.stringify(r.failure?.violations));
  assert.equal(r.sampledInstants, 1, 'its many crash points were sampled down to --max-states');
  assert.ok(r.crashStates >= 6);
});

test("with a --recover, what a crash leaves is judged: write_atomic's temp is an orphan unless the recovery removes it", { skip }, async () => {
  const command = `bash ${script('write-atomic.sh')} {file} {payload}`;
  const lax = await runFuzz({ primitive: 'write', sut: 'exec', runs: 3, seed: 7, powerLoss: false, exec: { command, recover: 'true', keep: [], timeoutMs: 30_000 } });
  assert.equal(lax.verdict, 'fail');
  assert.deepEqual(
    lax.failure!.violations.map((v) => v.invariant),
    ['no-orphans'],
  );
  const tidy = await runFuzz({
    primitive: 'write',
    sut: 'exec',
    runs: 3,
    seed: 7,
    powerLoss: false,
    exec: { command, recover: "find {root} -name 'STATE.md.tmp.*' -delete", keep: [], timeoutMs: 30_000 },
  });
  assert.equal(tidy.verdict, 'pass', JSON.stringify(tidy.failure?.violations));
});
