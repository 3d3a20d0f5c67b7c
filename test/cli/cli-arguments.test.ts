// What the CLI makes of its arguments before any verb runs, on the runtime under test (Node on
// the built output, Deno on the sources): no verb at all, a repeated option, invalid UTF-8.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { scriptCommand } from '../../core/runtime.ts';
import { cliPath, racetrack } from '../support/cli.ts';
import { tempDir } from '../support/tmp.ts';

const dir = tempDir('racetrack-cli-args-');
after(() => dir.cleanup());

describe('racetrack arguments', () => {
  test('no arguments prints the help on stderr and a JSON error on stdout, exit 2', () => {
    const r = racetrack([]);
    assert.equal(r.code, 2);
    assert.deepEqual(r.json(), { error: 'EINVALID', message: 'no command given; run racetrack --help' });
    assert.match(r.stderr, /^Usage: racetrack \[options\] \[command\]/);
    assert.match(r.stderr, /Exit codes:/);
    assert.match(r.stderr, /EINTERNAL is an unexpected failure inside racetrack, a bug: please report it/);
  });

  test('a bad number is told the same way by every verb: exit 2, { option, value }, "must be …, got …", nothing created', () => {
    const out = join(dir.path, 'bad-number');
    for (const [argv, option, value, want] of [
      [['run', 'allocate', '--iterations', '-5'], '--iterations', '-5', /must be an integer from 1 to 1000000, got "-5"/],
      [['run', 'allocate', '--workers', '0'], '--workers', '0', /must be an integer from 1 to 256, got "0"/],
      [['run', 'allocate', '--kill-rate', '2'], '--kill-rate', '2', /must be a number from 0 to 1, got "2"/],
      [['run', 'allocate', '--max-collision-rate', '2'], '--max-collision-rate', '2', /must be a number from 0 to 1, got "2"/],
      [['selftest', '--runs', '-1'], '--runs', '-1', /must be an integer from 1 to 10000, got "-1"/],
      [['bench', '--rounds', '0'], '--rounds', '0', /must be a positive integer, got "0"/],
      [['reserve', '--counters', join(dir.path, 'c.json'), 'SEC', 'x'], 'COUNT', 'x', /must be a positive integer, got "x"/],
    ] as const) {
      const r = racetrack([...argv, ...(argv[0] === 'reserve' ? [] : ['--out', out])]);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stdout}`);
      const e = r.json();
      assert.equal(e.error, 'EINVALID');
      assert.equal(e.option, option, argv.join(' '));
      assert.equal(e.value, value, argv.join(' '));
      assert.match(String(e.message), want);
    }
    assert.deepEqual(
      readdirSync(dir.path).filter((n) => n === 'bad-number' || n === 'c.json'),
      [],
    );
  });

  test('asking for the help is still exit 0, on stdout', () => {
    for (const argv of [['--help'], ['help']]) {
      const r = racetrack(argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.match(r.stdout, /^Usage: racetrack/);
    }
  });
});

/** One single-value option of every verb, given twice (with the arguments the verb needs besides). */
const REPEATED: readonly (readonly string[])[] = [
  ['allocate', '--root', 'a', '--root', 'b', '--name', 'x'],
  ['init-counters', '--tasks', 'T1.md', '--tasks', 'T2.md', '--counters', 'c.json'],
  ['reserve', '--counters', 'a.json', '--counters', 'b.json', 'SEC'],
  ['validate-inbox', '--counters', 'c.json', '--inbox', 'a.json', '--inbox', 'b.json'],
  ['find-next', '--registry', 'R.md', '--mode', 'batch', '--mode', 'status'],
  ['write-atomic', '--no-durable', '--no-durable', 'f.txt'],
  ['lock', '--timeout', '100', '--timeout', '200', 'l.lock', '--', 'true'],
  ['list', '--format', 'json', '--format', 'text'],
  ['run', 'allocate', '--iterations', '1', '--iterations', '2'],
  ['selftest', '--runs', '1', '--runs', '2'],
  ['bench', '--op', 'reserve', '--op', 'claim'],
  ['fuzz', 'write', '--runs', '1', '--runs', '2'],
];

/**
 * Runs the CLI with `args`, each `RAW` replaced by `raw` (shell printf notation, e.g. `c\\377.json`)
 * as the bytes it stands for: invalid UTF-8 reaches racetrack's argv only through a shell.
 */
function racetrackRaw(args: readonly string[], raw: string, cwd: string): ReturnType<typeof spawnSync> & { json(): Record<string, unknown> } {
  const script = 'raw=$(printf "$0"); for a in "$@"; do shift; if [ "$a" = RAW ]; then set -- "$@" "$raw"; else set -- "$@" "$a"; fi; done; exec "$@"';
  const r = spawnSync('sh', ['-c', script, raw, ...scriptCommand(cliPath), ...args], { cwd, encoding: 'utf8' });
  return { ...r, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
}

describe('racetrack refuses what it cannot take at its word', () => {
  test('an option given twice is EINVALID naming it, for every verb, and nothing is touched', () => {
    for (const counters of ['a.json', 'b.json']) writeFileSync(join(dir.path, counters), '{"counters":{"SEC":0}}\n');
    for (const argv of REPEATED) {
      const r = racetrack(argv, { cwd: dir.path });
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stdout}`);
      const option = argv.find((a, i) => a.startsWith('--') && argv.indexOf(a) !== i)!;
      assert.deepEqual(r.json(), { error: 'EINVALID', message: `${option} given more than once; give it once`, option }, argv.join(' '));
    }
    for (const counters of ['a.json', 'b.json']) assert.equal(readFileSync(join(dir.path, counters), 'utf8'), '{"counters":{"SEC":0}}\n');
    assert.deepEqual(readdirSync(dir.path).sort(), ['a.json', 'b.json'], 'nothing created beside them');
  });

  test('an option meant to repeat still may: run --keep', () => {
    const out = join(dir.path, 'keep-run');
    const r = racetrack(['run', 'allocate', '--iterations', '1', '--workers', '2', '--keep', 'a', '--keep', 'b', '--out', out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual((JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { keep: string[] }).keep, ['a', 'b']);
  });

  test('invalid UTF-8 in a path or name racetrack would use is EINVALID before anything runs', () => {
    const cwd = tempDir('racetrack-utf8-');
    try {
      writeFileSync(join(cwd.path, 'c.json'), '{"counters":{"SEC":0}}\n');
      for (const argv of [
        ['reserve', '--counters', 'RAW', 'SEC'],
        ['allocate', '--root', '.', '--name', 'RAW'],
        ['write-atomic', 'RAW'],
        ['lock', 'RAW', '--', 'true'],
        ['find-next', '--registry', 'R.md', '--mode', 'batch', '--phase', 'implement', '--claim', '--owner', 'RAW'],
        ['run', 'allocate', '--iterations', '1', '--workers', '1', '--out', 'RAW'],
      ]) {
        const r = racetrackRaw(argv, 'x\\377y', cwd.path);
        assert.equal(r.status, 2, `${argv.join(' ')}: ${r.stdout}`);
        assert.equal(r.json().error, 'EINVALID');
        assert.equal(r.json().reason, 'not-utf8');
        assert.match(String(r.json().message), /is not valid UTF-8 \(it holds U\+FFFD\)/);
      }
      assert.deepEqual(readdirSync(cwd.path), ['c.json'], 'nothing was created');
      assert.equal(readFileSync(join(cwd.path, 'c.json'), 'utf8'), '{"counters":{"SEC":0}}\n');
    } finally {
      cwd.cleanup();
    }
  });

  test("the command racetrack lock runs is the caller's: its arguments are never checked", () => {
    const cwd = tempDir('racetrack-utf8-lock-');
    try {
      const r = racetrackRaw(['lock', 'l.lock', '--', 'printf', '%s', 'RAW', '--timeout', '1', '--timeout', '2'], 'x\\377y', cwd.path);
      assert.equal(r.status, 0, String(r.stdout) + String(r.stderr));
      assert.equal(r.stdout, 'x\ufffdy--timeout1--timeout2');
    } finally {
      cwd.cleanup();
    }
  });
});
