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

test('the replay line carries scenario, iterations, workers, isolation, seed and the staleness; core needs no --sut', () => {
  assert.equal(replayCommand(sampleResult()), 'racetrack run allocate --iterations 100 --workers 10 --isolation thread --seed 424242 --stale-ms 5000');
});

test('a control is named with --sut', () => {
  const line = replayCommand(sampleResult({ sut: 'allocate-narrow-lock', isolation: 'process' }));
  assert.ok(line.endsWith('--isolation process --seed 424242 --sut allocate-narrow-lock --stale-ms 5000'));
});

test('an --exec template is single-quoted and survives the shell byte for byte', () => {
  const exec = `bash -c 'mkdir "$1"' -- {root}/x $HOME \`id\` ; rm -rf /`;
  const line = replayCommand(sampleResult({ sut: 'exec', exec }));
  assert.ok(line.includes(" --exec 'bash -c '\\''mkdir"));
  assert.deepEqual(argvOf(line), ['run', 'allocate', '--iterations', '100', '--workers', '10', '--isolation', 'thread', '--seed', '424242', '--sut', 'exec', '--exec', exec, '--stale-ms', '5000']);
});

test('a plain template is quoted too', () => {
  assert.match(replayCommand(sampleResult({ sut: 'exec', exec: './alloc.sh', setup: 'true' })), / --exec '\.\/alloc\.sh' --setup 'true' /);
});

test('shellQuote leaves safe words alone and quotes the rest', () => {
  assert.equal(shellQuote('allocate-narrow_lock.v2'), 'allocate-narrow_lock.v2');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('a b'), "'a b'");
  assert.deepEqual(argvOf(`racetrack ${["it's", '$x', '*', '~'].map(shellQuote).join(' ')}`), ["it's", '$x', '*', '~']);
});

test('the replay line carries --keep and the fault rates the run was asked for', () => {
  const line = replayCommand(sampleResult({ keep: ['.topic.lock'], isolation: 'process', killRate: 0.1, pauseRate: 0.2, staleMs: 1000, faults: sampleFaults() }));
  assert.match(line, / --keep \.topic\.lock/);
  assert.match(line, / --kill-rate 0\.1 --pause-rate 0\.2 --stale-ms 1000$/);
});

test('the replay line carries every option that changes what runs or how it is judged, each word as the shell hands it on', () => {
  const line = replayCommand(
    sampleResult({
      scenario: 'reserve',
      sut: 'exec',
      exec: 'python3 reserve.py {counters} {prefix} {count}',
      setup: "sh -c 'echo {} > {root}/extra.json'",
      recover: 'bash recover.sh {counters}',
      trace: true,
      syscallFaults: { jitterUs: 300, errors: ['ENOSPC', 'EIO'], errorRate: 0.25 },
      keep: ['*.lock', 'counters.json.lock'],
      isolation: 'process',
      hosts: 3,
      workers: 6,
      maxCollisionRate: 0.5,
      killRate: 0.1,
      pauseRate: 0.2,
      staleMs: 2000,
    }),
  );
  assert.deepEqual(argvOf(line), [
    'run',
    'reserve',
    '--iterations',
    '100',
    '--workers',
    '6',
    '--isolation',
    'process',
    '--seed',
    '424242',
    '--sut',
    'exec',
    '--hosts',
    '3',
    '--exec',
    'python3 reserve.py {counters} {prefix} {count}',
    '--setup',
    "sh -c 'echo {} > {root}/extra.json'",
    '--recover',
    'bash recover.sh {counters}',
    '--trace',
    '--jitter',
    '300',
    '--errors',
    'ENOSPC,EIO',
    '--error-rate',
    '0.25',
    '--keep',
    '*.lock',
    '--keep',
    'counters.json.lock',
    '--max-collision-rate',
    '0.5',
    '--kill-rate',
    '0.1',
    '--pause-rate',
    '0.2',
    '--stale-ms',
    '2000',
  ]);
});

test('a store run replays with its store and its partition, the URL as result.json records it (password hidden)', () => {
  const line = replayCommand(sampleResult({ scenario: 'lock', sut: 'pg-lock-advisory', store: 'postgres://ci:***@db:5432/work', partition: true, isolation: 'process', workers: 4, staleMs: 1000 }));
  assert.equal(line, "racetrack run lock --iterations 100 --workers 4 --isolation process --seed 424242 --sut pg-lock-advisory --store 'postgres://ci:***@db:5432/work' --partition --stale-ms 1000");
});
