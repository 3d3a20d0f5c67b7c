import process from 'node:process';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { injectSpec, straceArgv } from '../../../harness/strace/argv.ts';
import { parseStraceVersion, requireStrace } from '../../../harness/strace/detect.ts';
import { fdArg, parseTrace, splitArgs, unquote } from '../../../harness/strace/parse.ts';
import { isRacetrackError } from '../../../core/errors.ts';

const TRACE = [
  '100 1700000000.000100 openat(AT_FDCWD</r>, "/r/x.lock", O_WRONLY|O_CREAT|O_APPEND, 0666) = 3</r/x.lock> <0.000020>',
  '100 1700000000.000200 flock(3</r/x.lock>, LOCK_EX <unfinished ...>',
  '101 1700000000.000250 write(1<pipe:[9]>, "a, b\\n", 5) = 5 <0.000010>',
  '101 1700000000.000300 openat(AT_FDCWD</r>, "nope", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000005>',
  '101 1700000000.000400 +++ exited with 3 +++',
  '100 1700000000.010200 <... flock resumed>) = 0 <0.010000>',
  '100 1700000000.010300 fsync(3</r/x.lock>) = -1 EIO (Input/output error) (INJECTED) <0.000004>',
  '100 1700000000.010400 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101} ---',
  '100 1700000000.010500 rename("/r/a", "/r/b" <unfinished ...>',
  '100 1700000000.010600 +++ killed by SIGKILL +++',
].join('\n');

describe('strace output', () => {
  test('each syscall becomes one record: unfinished and resumed halves merged, errno, injection, results with paths', () => {
    const t = parseTrace(TRACE);
    assert.deepEqual(
      t.syscalls.map((s) => [s.seq, s.pid, s.name, s.result, s.errno ?? null]),
      [
        [0, 100, 'openat', 3, null],
        [1, 100, 'flock', 0, null],
        [2, 101, 'write', 5, null],
        [3, 101, 'openat', -1, 'ENOENT'],
        [4, 100, 'fsync', -1, 'EIO'],
        [5, 100, 'rename', null, null],
      ],
    );
    const flock = t.syscalls[1]!;
    assert.equal(flock.time, 1700000000.0002, 'a merged call keeps its entry time');
    assert.equal(flock.duration, 0.01);
    assert.deepEqual(flock.args, ['3</r/x.lock>', 'LOCK_EX']);
    assert.equal(t.syscalls[0]!.resultPath, '/r/x.lock');
    assert.deepEqual(t.syscalls[2]!.args, ['1<pipe:[9]>', '"a, b\\n"', '5'], 'a comma inside a string does not split');
    assert.equal(t.syscalls[4]!.injected, true);
    assert.equal(t.syscalls[0]!.injected, false);
    assert.deepEqual(t.syscalls[5]!.args, ['"/r/a"', '"/r/b"'], 'a call its process died in is kept, with no result');
    assert.deepEqual(t.ends, [
      { pid: 101, time: 1700000000.0004, exitCode: 3, signal: null },
      { pid: 100, time: 1700000000.0106, exitCode: null, signal: 'SIGKILL' },
    ]);
    assert.equal(t.other.length, 1, 'the signal line is kept aside');
  });

  test('arguments: strings decoded, descriptors with their paths', () => {
    assert.deepEqual(splitArgs('AT_FDCWD</a,b>, "x,y", {l_type=F_WRLCK, l_start=0}, 0'), ['AT_FDCWD</a,b>', '"x,y"', '{l_type=F_WRLCK, l_start=0}', '0']);
    assert.equal(unquote('"a\\nb\\x41\\"c"'), 'a\nbA"c');
    assert.equal(unquote('"abc"...'), 'abc');
    assert.equal(unquote('O_RDONLY'), null);
    assert.deepEqual(fdArg('9</tmp/x.lock>'), { fd: 9, path: '/tmp/x.lock' });
    assert.deepEqual(fdArg('AT_FDCWD</tmp>'), { fd: -100, path: '/tmp' });
    assert.equal(fdArg('"x"'), null);
  });

  test('versions, argv and inject rules', () => {
    assert.deepEqual(parseStraceVersion('strace -- version 6.1\nCopyright'), [6, 1]);
    assert.equal(parseStraceVersion('no'), null);
    const info = { path: 'strace', version: [6, 1] as const, inject: true, seccompBpf: true };
    const argv = straceArgv(info, ['bash', 'x.sh'], { output: '/t/trace', syscalls: ['flock', 'open'], inject: [{ syscalls: ['write'], error: 'ENOSPC', when: '3' }] });
    assert.deepEqual(argv, [
      'strace',
      '-f',
      '-ttt',
      '-T',
      '-y',
      '-s',
      '256',
      '-o',
      '/t/trace',
      '--seccomp-bpf',
      '-e',
      'trace=?flock,?open',
      '-e',
      'inject=?write:error=ENOSPC:when=3',
      '--',
      'bash',
      'x.sh',
    ]);
    assert.equal(injectSpec({ syscalls: ['flock'], delayExitUs: 1500.4 }), 'inject=?flock:delay_exit=1500');
    assert.ok(!straceArgv({ ...info, seccompBpf: false }, ['x'], { output: 'o' }).includes('--seccomp-bpf'), 'an old strace is not given --seccomp-bpf');
  });

  test('without strace, an option that needs it is refused with an install hint', { skip: process.platform !== 'linux' }, () => {
    assert.throws(
      () => requireStrace('--trace', {}, null),
      (e: unknown) => isRacetrackError(e, 'EINVALID') && e.message === '--trace needs strace, which is not installed: apt-get install strace',
    );
    assert.throws(
      () => requireStrace('--jitter', { inject: true }, { path: 'strace', version: [4, 9], inject: false, seccompBpf: false }),
      (e: unknown) => isRacetrackError(e, 'EINVALID') && /4\.15/.test(e.message),
    );
    const info = { path: 'strace', version: [6, 1] as const, inject: true, seccompBpf: true };
    assert.equal(requireStrace('--trace', { inject: true }, info), info);
  });
});
