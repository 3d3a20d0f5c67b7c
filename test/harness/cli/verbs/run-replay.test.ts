// The replay line summary.md ends with: read back through `racetrack run`'s own option parsing, it
// asks for what the run was asked; pasted into a shell, it runs the same thing again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Command } from 'commander';
import { scriptCommand } from '../../../../core/runtime.ts';
import { INERT_HOST } from '../../../../harness/cli/cli-reference.ts';
import { type RunInput, runRequestFrom, runVerb } from '../../../../harness/cli/verbs/run.ts';
import { recordRequest } from '../../../../harness/engine/run-request.ts';
import type { RunResult } from '../../../../harness/engine/run-result.ts';
import { replayCommand } from '../../../../reports/replay-command.ts';
import { cliPath, racetrack } from '../../../support/cli.ts';
import { tempDir } from '../../../support/tmp.ts';
import { lockIdiomsDir, needStrace } from '../../strace/strace-fixtures.ts';

const dir = tempDir('racetrack-run-replay-');
after(() => dir.cleanup());

/** `racetrack run`'s options as the CLI parses `argv` (the words after `run`), without running anything. */
async function parseRun(argv: readonly string[]): Promise<RunInput> {
  const cmd = runVerb.command(INERT_HOST);
  let input: RunInput | undefined;
  cmd.exitOverride().action(function (this: Command, scenario: string) {
    const values = this.opts();
    // As the verb's own action does: a flag not given is false.
    for (const flag of ['force', 'trace', 'keepRoots', 'pause', 'partition']) values[flag] = values[flag] === true;
    input = { ...values, scenario } as RunInput;
  });
  await cmd.parseAsync([...argv], { from: 'user' });
  assert.ok(input !== undefined, `racetrack run ${argv.join(' ')} parsed`);
  return input;
}

/** The argv a POSIX shell makes of a replay line, `racetrack` itself left out. */
function argvOf(line: string): string[] {
  return execFileSync('sh', ['-c', line.replace(/(^|&& )racetrack /, "$1printf '%s\\0' ")], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
}

describe('the replay line, read back through the CLI', () => {
  const cases: [string, string[]][] = [
    ['the defaults, with the seed drawn at random', ['allocate']],
    [
      'a user command with its setup, recovery, tracing, syscall faults, kills, pauses, hosts and a tolerated rate',
      [
        'reserve',
        '--exec',
        "python3 'my reserve.py' {counters} {prefix} {count}",
        '--setup',
        'true {root}',
        '--recover',
        'true {counters}',
        '--trace',
        '--jitter',
        '200',
        '--errors',
        'ENOSPC,EIO',
        '--error-rate',
        '0.3',
        '--keep',
        '*.lock',
        '--keep',
        'counters.json.lock',
        '--max-collision-rate',
        '0.5',
        '--isolation',
        'process',
        '--workers',
        '6',
        '--hosts',
        '3',
        '--kill-rate',
        '0.1',
        '--pause',
        '--iterations',
        '20',
        '--seed',
        '77',
        '--out',
        'somewhere',
        '--junit',
        'j.xml',
        '--keep-roots',
      ],
    ],
    [
      'a store control under a partition, the URL with a password',
      ['lock', '--sut', 'pg-lock-advisory', '--store', 'postgres://ci:s3cret@db/work', '--partition', '--isolation', 'process', '--stale-ms', '2000'],
    ],
    ['the default store system under test', ['claim', '--store', 'postgres', '--max-collision-rate', '0.05']],
  ];
  for (const [what, argv] of cases) {
    test(`${what}: the replay asks for what the run was asked`, async () => {
      const asked = recordRequest(runRequestFrom(await parseRun(argv)));
      const line = replayCommand(asked);
      const words = argvOf(line);
      assert.equal(words[0], 'run', line);
      const replayed = recordRequest(runRequestFrom(await parseRun(words.slice(1))));
      assert.deepEqual(replayed, asked, line);
      assert.ok(!line.includes('s3cret'), line);
    });
  }
});

describe('the replay line, pasted into a shell', () => {
  const outOf = (name: string) => join(dir.path, name);
  const resultOf = (out: string) => JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  /** What result.json says the run was asked. */
  const askedOf = (r: RunResult) => ({
    scenario: r.scenario,
    sut: r.sut,
    exec: r.exec,
    setup: r.setup,
    recover: r.recover,
    trace: r.trace,
    keep: r.keep,
    iterations: r.iterations,
    workers: r.workers,
    isolation: r.isolation,
    seed: r.seed,
    maxCollisionRate: r.maxCollisionRate,
    staleMs: r.staleMs,
    killRate: r.killRate,
  });

  test('a traced --exec run with --setup, --recover, kills, --max-collision-rate and --stale-ms runs again as it ran, pasted in another directory', { skip: process.platform !== 'linux' }, (t) => {
    if (needStrace(t) === null) return;
    // The script named by a path relative to the directory the run starts in.
    const examples = join(lockIdiomsDir(), '../../../scenarios/examples');
    const first = outOf('first');
    const args = ['run', 'allocate', '--exec', 'bash alloc-flock.sh {root} {name}', '--setup', 'true {root}', '--recover', 'true {root}', '--trace', '--keep', '.topic.lock'];
    const options = ['--isolation', 'process', '--kill-rate', '0.3', '--max-collision-rate', '0.5', '--stale-ms', '2000', '--iterations', '4', '--workers', '2', '--seed', '5'];
    const r = racetrack([...args, ...options, '--out', first], { cwd: examples });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const summary = readFileSync(join(first, 'summary.md'), 'utf8');
    const line = /### Replay\n\n```sh\n(cd \S+ && racetrack run .*)\n```/.exec(summary)?.[1];
    assert.ok(line !== undefined, summary);
    // `racetrack` as a shell function, so the line is run exactly as a person would paste it.
    const again = outOf('again');
    const cli = scriptCommand(cliPath).map((w) => `'${w}'`);
    execFileSync('sh', ['-c', `racetrack() { ${cli.join(' ')} "$@" --out '${again}'; }\n${line}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: dir.path });
    const [before, after] = [resultOf(first), resultOf(again)];
    assert.deepEqual(askedOf(after), askedOf(before));
    assert.equal(before.setup, 'true {root}');
    assert.equal(before.cwd, examples.replace(/\/$/, ''), 'the directory the command ran in is recorded');
    assert.equal(after.cwd, before.cwd, 'and the replay ran there');
    assert.equal(before.maxCollisionRate, 0.5);
    assert.deepEqual(
      after.checks.map((c) => c.checker),
      before.checks.map((c) => c.checker),
      'the same checkers judge the replay (mutual-exclusion too, from the trace)',
    );
    assert.ok(after.checks.some((c) => c.checker === 'mutual-exclusion'));
    assert.equal(after.verdict, before.verdict);
  });
});
