import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { replayCommand, shellQuote } from '../../reports/replay-command.ts';
import { sampleFaults, sampleResult } from './sample-result.ts';

/** The argv a POSIX shell makes of the line, racetrack replaced by printf. */
function argvOf(line: string): string[] {
  const script = line.replace(/^racetrack /, "printf '%s\\0' ");
  return execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

test('the replay line carries scenario, iterations, workers, isolation and seed; core needs no --sut', () => {
  assert.equal(replayCommand(sampleResult()), 'racetrack run allocate --iterations 100 --workers 10 --isolation thread --seed 424242');
});

test('a control is named with --sut', () => {
  const line = replayCommand(sampleResult({ sut: 'allocate-narrow-lock', isolation: 'process' }));
  assert.ok(line.endsWith('--isolation process --seed 424242 --sut allocate-narrow-lock'));
});

test('an --exec template is single-quoted and survives the shell byte for byte', () => {
  const exec = `bash -c 'mkdir "$1"' -- {root}/x $HOME \`id\` ; rm -rf /`;
  const line = replayCommand(sampleResult({ sut: 'exec', exec }));
  assert.ok(line.includes(" --exec 'bash -c '\\''mkdir"));
  assert.deepEqual(argvOf(line), ['run', 'allocate', '--iterations', '100', '--workers', '10', '--isolation', 'thread', '--seed', '424242', '--sut', 'exec', '--exec', exec]);
});

test('a plain --exec template is quoted too', () => {
  assert.ok(replayCommand(sampleResult({ sut: 'exec', exec: './alloc.sh' })).endsWith("--exec './alloc.sh'"));
});

test('shellQuote leaves safe words alone and quotes the rest', () => {
  assert.equal(shellQuote('allocate-narrow_lock.v2'), 'allocate-narrow_lock.v2');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('a b'), "'a b'");
  assert.deepEqual(argvOf(`racetrack ${["it's", '$x', '*', '~'].map(shellQuote).join(' ')}`), ["it's", '$x', '*', '~']);
});

test('the replay line carries --keep and the injected fault rates', () => {
  const line = replayCommand(sampleResult({ keep: ['.topic.lock'], isolation: 'process', faults: sampleFaults() }));
  assert.match(line, / --keep \.topic\.lock/);
  assert.match(line, / --kill-rate 0\.1 --pause-rate 0\.2 --stale-ms 1000/);
});
