import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRacetrackError } from '../../../core/errors.ts';
import { runCli } from '../../../harness/cli/program.ts';
import { runFuzzCommand, type FuzzOutput } from '../../../harness/cli/verbs/fuzz.ts';
import type { CommandResult } from '../../../harness/cli/command-result.ts';
import { inTempDir } from '../../support/tmp.ts';

const quiet = () => {};

async function rejectsWith(code: string, p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (err: unknown) => isRacetrackError(err) && err.code === code);
}

test(
  'bad input is refused before anything is written',
  inTempDir(async (dir) => {
    const out = join(dir, 'out');
    await rejectsWith('EINVALID', runFuzzCommand('nope', { out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { sut: 'nope', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { sut: 'reserve-unlocked', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { runs: '0', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { runs: '1.5', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { seed: 'x', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { maxStates: '-3', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('stale-lock', { powerLoss: true, out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { powerLoss: true, disk: 'real', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand(undefined, { out }, quiet, false));
    await rejectsWith('ENOTFOUND', runFuzzCommand(undefined, { replay: join(dir, 'missing.json') }, quiet, false));
    assert.equal(existsSync(out), false);
  }),
);

test(
  'a corrupt replay file is ECORRUPT',
  inTempDir(async (dir) => {
    const bad = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return runFuzzCommand(undefined, { replay: join(dir, name) }, quiet, false);
    };
    await rejectsWith('ECORRUPT', bad('a.json', '{"racetrack":'));
    await rejectsWith('ECORRUPT', bad('b.json', '[]'));
    await rejectsWith('ECORRUPT', bad('c.json', '{"racetrack":"fuzz-case","version":1,"primitive":"write","sut":"core","mode":"crash","disk":"real","seed":1,"ops":[{"kind":"?"}],"crash":null}'));
    await rejectsWith('ECORRUPT', bad('d.json', '{"racetrack":"fuzz-case","version":1,"primitive":"nope","sut":"core","mode":"crash","disk":"real","seed":1,"ops":[],"crash":null}'));
    await rejectsWith(
      'ECORRUPT',
      bad('e.json', '{"racetrack":"fuzz-case","version":1,"primitive":"write","sut":"core","mode":"crash","disk":"real","seed":1,"ops":[],"crash":{"call":-1,"phase":"before"}}'),
    );
    assert.deepEqual(readdirSync(dir).sort(), ['a.json', 'b.json', 'c.json', 'd.json', 'e.json']);
  }),
);

test(
  'a passing fuzz exits 0 and writes nothing',
  inTempDir(async (dir) => {
    const out = join(dir, 'out');
    const r = await runFuzzCommand('write', { runs: '5', seed: '1', out, disk: 'sim' }, quiet, false);
    assert.equal(r.exitCode, 0);
    const o = r.output as FuzzOutput;
    assert.deepEqual([o.verdict, o.failures, o.replay, o.runs, o.seed], ['pass', 0, null, 5, 1]);
    assert.ok(o.crashStates > 0 && o.crashStatesPerSecond > 0);
    assert.equal(existsSync(out), false);
  }),
);

test(
  'a failing fuzz exits 1, prints the shrunk case and writes a replay file that re-runs it exactly',
  inTempDir(async (dir) => {
    const out = join(dir, 'out');
    let stderr = '';
    const r: CommandResult = await runFuzzCommand('write', { sut: 'write-in-place', runs: '20', seed: '5', out }, (s) => (stderr += s), false);
    assert.equal(r.exitCode, 1);
    const o = r.output as FuzzOutput;
    assert.equal(o.verdict, 'fail');
    assert.equal(o.replay, join(out, 'case.json'));
    assert.equal(o.replayCommand, `racetrack fuzz --replay ${join(out, 'case.json')}`);
    assert.equal(o.failure?.violations[0]?.invariant, 'target-old-or-new');
    assert.match(stderr, /fs calls up to the crash:[\s\S]*CRASH/);
    assert.match(stderr, /invariant broken: target-old-or-new/);
    assert.match(stderr, /replay: racetrack fuzz --replay /);
    const file = JSON.parse(readFileSync(join(out, 'case.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([file.racetrack, file.primitive, file.sut, file.seed, file.powerLoss], ['fuzz-case', 'write', 'write-in-place', 5, false]);
    assert.deepEqual(file.ops, o.case?.ops);

    const again = await runFuzzCommand(undefined, { replay: join(out, 'case.json') }, quiet, false);
    assert.equal(again.exitCode, 1);
    assert.deepEqual((again.output as FuzzOutput).failure?.violations, o.failure?.violations);
    await rejectsWith('EINVALID', runFuzzCommand('reserve', { replay: join(out, 'case.json') }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand(undefined, { replay: join(out, 'case.json'), runs: '3' }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { sut: 'write-in-place', out }, quiet, false));
  }),
);

test(
  'a power-loss failure prints the one-line header a crash failure prints',
  inTempDir(async (dir) => {
    const header = async (o: Parameters<typeof runFuzzCommand>[1]) => {
      let stderr = '';
      const r = await runFuzzCommand('write', { runs: '5', seed: '1', ...o }, (s) => (stderr += s), false);
      assert.equal(r.exitCode, 1);
      return stderr.split('\n')[0];
    };
    assert.match(
      (await header({ sut: 'write-in-place', out: join(dir, 'crash') })) ?? '',
      /^racetrack fuzz write \(sut write-in-place, crash, real disk\): FAIL after \d+ runs, \d+ crash states in .+, seed 1$/,
    );
    assert.match(
      (await header({ sut: 'rename-no-fsync', powerLoss: true, out: join(dir, 'power') })) ?? '',
      /^racetrack fuzz write \(sut rename-no-fsync, power-loss\): FAIL after \d+ runs, \d+ crash states in .+, seed 1$/,
    );
  }),
);

test(
  'a replayed case that passes now exits 0',
  inTempDir(async (dir) => {
    const path = join(dir, 'case.json');
    writeFileSync(
      path,
      JSON.stringify({
        racetrack: 'fuzz-case',
        version: 1,
        primitive: 'write',
        sut: 'core',
        mode: 'crash',
        disk: 'sim',
        seed: 1,
        path: null,
        ops: [{ kind: 'write', size: 3 }],
        crash: { call: 1, phase: 'mid', bytes: 2 },
      }),
    );
    const r = await runFuzzCommand(undefined, { replay: path }, quiet, false);
    assert.equal(r.exitCode, 0);
    assert.equal((r.output as FuzzOutput).verdict, 'pass');
  }),
);

test('the fuzz verb hands its options over', async () => {
  let stdout = '';
  const cli = (argv: string[]) => runCli(argv, { io: { stdout: (t) => (stdout = t), stderr: quiet } });
  assert.equal(await cli(['fuzz', 'write', '--runs', '0']), 2);
  assert.equal((JSON.parse(stdout) as { error: string }).error, 'EINVALID');
  assert.equal(await cli(['fuzz', 'write', '--runs', '3', '--seed', '2', '--disk', 'sim']), 0);
  assert.deepEqual([(JSON.parse(stdout) as FuzzOutput).runs, (JSON.parse(stdout) as FuzzOutput).seed, (JSON.parse(stdout) as FuzzOutput).disk], [3, 2, 'sim']);
});

test(
  'fuzz --exec: bad input is exit 2 and writes nothing',
  inTempDir(async (dir) => {
    const out = join(dir, 'out');
    const write = 'bash -c true {file}';
    await rejectsWith('EINVALID', runFuzzCommand('lock', { exec: 'flock {lock} {critical}', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { exec: 'bash -c true {counters}', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { exec: 'bash -c true', out }, quiet, false));
    await rejectsWith('ENOTFOUND', runFuzzCommand('write', { exec: './no-such-script {file}', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { exec: write, sut: 'core', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { exec: write, disk: 'sim', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { recover: 'true', out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { exec: write, keep: ['x.lock'], out }, quiet, false));
    await rejectsWith('EINVALID', runFuzzCommand('write', { exec: write, recover: 'rm {counters}', out }, quiet, false));
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir), []);
  }),
);
