// `racetrack run` as a CI job sees it: the real CLI in a child process, its exit code, its JSON
// line, and the files it leaves (result.json, summary.md, JUnit XML).
import assert from 'node:assert/strict';
import process from 'node:process';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunResult } from '../../../../harness/engine/run-result.ts';
import { scriptCommand } from '../../../../core/runtime.ts';
import { cliPath, racetrack } from '../../../support/cli.ts';
import { tempDir } from '../../../support/tmp.ts';
import { findAll, parseXml } from '../../../reports/xml-parse.ts';

const dir = tempDir('racetrack-run-cli-');
after(() => dir.cleanup());

let runs = 0;
/** A fresh --out for one run. */
const outDir = (name: string) => join(dir.path, `${name}-${runs++}`);
const resultOf = (out: string) => JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;

describe('racetrack run: verdicts a CI job can trust', () => {
  test('a claimer that never finds work proves nothing: unknown, exit 2, never pass', () => {
    const out = outDir('no-work');
    const r = racetrack(['run', 'claim', '--exec', 'false {registry} {owner}', '--iterations', '2', '--workers', '2', '--out', out]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.json().verdict, 'unknown');
    const claimed = resultOf(out).checks.find((c) => c.checker === 'claimed-once');
    assert.equal(claimed?.verdict, 'unknown');
    assert.match(claimed!.message, /^nothing to judge: no claim was acknowledged/);
  });

  test('an --exec run leaves out mutual exclusion and lock timing, and says why in result.json, summary.md and JUnit', () => {
    const out = outDir('exec-fails');
    const junit = join(out, '..', `junit-${runs}.xml`);
    const r = racetrack(['run', 'allocate', '--exec', 'false {root} {name}', '--iterations', '2', '--workers', '2', '--out', out, '--junit', junit]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(r.json().notChecked, ['mutual-exclusion', 'lock-timing']);
    const result = resultOf(out);
    assert.equal(
      result.checks.some((c) => c.checker === 'mutual-exclusion'),
      false,
      'mutual-exclusion did not run',
    );
    assert.deepEqual(
      result.notChecked.map((n) => n.checker),
      ['mutual-exclusion', 'lock-timing'],
    );
    assert.match(result.notChecked[0]!.reason, /does not report its lock acquisitions and releases/);
    // Every operation failed: the checkers that judge values saw none, and say so.
    for (const name of ['uniqueness', 'gap-bound', 'real-time-order', 'topics-match']) {
      const check = result.checks.find((c) => c.checker === name);
      assert.equal(check?.verdict, 'unknown', `${name}: ${check?.message}`);
      assert.match(check!.message, /^nothing to judge/);
    }
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    assert.match(summary, /### Not checked, and why\n\n- \*\*mutual-exclusion\*\*: the system under test \(exec\) does not report/);
    const skipped = findAll(parseXml(readFileSync(junit, 'utf8')), 'testcase').filter((c) => findAll(c, 'skipped').length > 0);
    assert.deepEqual(
      skipped.map((c) => c.attrs.name),
      ['mutual-exclusion', 'lock-timing'],
    );
  });

  test('--pause with --exec needs strace, which sees the command take its lock: without it, exit 2 with the install hint, nothing created', { skip: process.platform !== 'linux' }, () => {
    const out = outDir('exec-pause');
    const r = racetrack(['run', 'allocate', '--exec', '/bin/true {root} {name}', '--isolation', 'process', '--pause', '--out', out], { env: { PATH: '/nonexistent' } });
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.json().error, 'EINVALID');
    assert.match(String(r.json().message), /^--pause needs strace, which is not installed: apt-get install strace$/);
    assert.equal(existsSync(out), false);
  });

  test('--pause with --exec and a --stale-ms the command timeout cannot outlast is bad input', () => {
    const out = outDir('exec-pause-stale');
    const r = racetrack(['run', 'allocate', '--exec', '/bin/true {root} {name}', '--isolation', 'process', '--pause', '--stale-ms', '60000', '--out', out]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(String(r.json().message), /--pause with --exec needs --stale-ms up to 50000/);
    assert.equal(existsSync(out), false);
  });
});

describe('racetrack run: one collision count', () => {
  test('claim-unlocked: the JSON line, the progress line, result.json, summary.md, JUnit and claimed-once give the same collisions in the same words', () => {
    const out = outDir('claim-unlocked');
    const junit = join(dir.path, `junit-claim-${runs}.xml`);
    const r = racetrack(['run', 'claim', '--sut', 'claim-unlocked', '--iterations', '20', '--seed', '5', '--out', out, '--junit', junit]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const line = r.json();
    const result = resultOf(out);
    const claimed = result.checks.find((c) => c.checker === 'claimed-once')!;
    assert.ok(result.collisions > 0, 'unlocked claimers hand a batch to two owners');
    assert.deepEqual([line.collisions, line.extraHolders, line.collidingIterations], [result.collisions, result.extraHolders, result.collidingIterations]);
    assert.deepEqual([claimed.collisions?.values, claimed.collisions?.extraHolders, claimed.collisions?.iterations], [result.collisions, result.extraHolders, result.collidingIterations]);
    assert.equal(line.collisionRate, result.collidingIterations / 20);
    const words = `${result.collisions} values handed out more than once (${result.extraHolders} extra holders)`;
    assert.ok(claimed.message.startsWith(words), claimed.message);
    assert.ok(readFileSync(join(out, 'summary.md'), 'utf8').includes(`- **Collisions:** ${words}\n`));
    const progress = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('racetrack: iteration'))
      .at(-1);
    assert.match(progress ?? '', new RegExp(`^racetrack: iteration 20/20, \\d+ ops, ${words.replace(/[()]/g, '\\$&')}, `));
    const props = Object.fromEntries(findAll(parseXml(readFileSync(junit, 'utf8')), 'property').map((p) => [p.attrs.name, p.attrs.value]));
    assert.deepEqual([props.collisions, props.extraHolders], [String(result.collisions), String(result.extraHolders)]);
  });

  test('--max-collision-rate tolerates collisions however detected: allocate-narrow-lock passes at 0.99 though files-valid sees the duplicates too', () => {
    const out = outDir('narrow-tolerated');
    const r = racetrack(['run', 'allocate', '--sut', 'allocate-narrow-lock', '--iterations', '50', '--seed', '3', '--max-collision-rate', '0.99', '--out', out]);
    const result = resultOf(out);
    assert.ok(result.collisions > 0, 'the narrow lock hands a number out twice');
    const filesValid = result.checks.find((c) => c.checker === 'files-valid')!;
    assert.equal(filesValid.verdict, 'fail', 'files-valid sees the two directories of one number');
    assert.ok((filesValid.collisions?.values ?? 0) > 0);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.json().verdict, 'pass');
  });
});

describe('racetrack run: numbers for people on stderr, exact ones in the JSON', () => {
  test("a faulted run's last stderr line gives the collision bound as a percentage and the faults in words, rounded; the JSON keeps them exact", () => {
    const out = outDir('faults');
    const r = racetrack(['run', 'reserve', '--isolation', 'process', '--kill-rate', '0.5', '--iterations', '6', '--workers', '3', '--seed', '11', '--out', out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const line = r.json() as { collisionRateUpper95: number; faults: { kills: number; killsPerSecond: number; faultedIterations: number } };
    assert.ok(line.faults.kills > 0, 'some worker was killed');
    assert.equal(line.faults.killsPerSecond, resultOf(out).faults?.killsPerSecond, 'the JSON line gives the exact rate result.json gives');
    const last = r.stderr.trim().split('\n').at(-1)!;
    assert.match(
      last,
      /^racetrack: PASS reserve \(core\): 0\/6 iterations with collisions \(the rate is below 39\.3% at 95% confidence\); faults: \d+ workers? killed \(\d+(\.\d+)?\/s\)(, \d+ kills? too late)?, 0 lock holders paused, in \d+ iterations?; [\d.]+ m?s; results in /,
    );
    assert.doesNotMatch(last, /\d\.\d{3,}/, 'no number a person reads carries more than two decimals');
  });
});

describe('racetrack run: bad --exec setup is bad input', () => {
  /** Runs `run <scenario> --exec <template>` and checks it is exit 2 with `code`, before anything was created. */
  function refused(scenario: string, template: string, code: string, message: RegExp): void {
    const out = outDir('bad-exec');
    const r = racetrack(['run', scenario, '--exec', template, '--iterations', '2', '--workers', '2', '--out', out]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.json().error, code);
    assert.match(String(r.json().message), message);
    assert.equal(existsSync(out), false, 'nothing was created');
  }

  test('a command that does not exist, as a path or on PATH', () => {
    refused('allocate', './nope.sh {root} {name}', 'ENOTFOUND', /--exec command \.\/nope\.sh does not exist/);
    refused('allocate', 'racetrack-no-such-command {root} {name}', 'ENOTFOUND', /racetrack-no-such-command is not found on PATH/);
  });

  test('a script its interpreter would run that does not exist, and a placeholder left open, before anything is created', () => {
    refused('reserve', 'bash no-such-reserver.sh {counters}', 'ENOTFOUND', /--exec script no-such-reserver\.sh does not exist \(bash would run it\)/);
    refused('atomic-write', 'bash -e ./no-such-writer.sh {file} {payload}', 'ENOTFOUND', /--exec script \.\/no-such-writer\.sh does not exist/);
    refused('reserve', 'true {counters} {staleMs', 'EINVALID', /unterminated placeholder \{staleMs in --exec template/);
    refused('reserve', 'true {counters', 'EINVALID', /unterminated placeholder \{counters/);
  });

  test('a command that is not executable', () => {
    const script = join(dir.path, 'alloc-not-executable.sh');
    writeFileSync(script, '#!/bin/sh\necho "001|$1/001_$2"\n', { mode: 0o644 });
    refused('allocate', `${script} {root} {name}`, 'EINVALID', /is not an executable file/);
    refused('allocate', `${dir.path} {root} {name}`, 'EINVALID', /is not an executable file/);
  });

  test('a placeholder the scenario does not fill', () => {
    refused('reserve', 'true {root} {prefix}', 'EINVALID', /uses \{root\}, which the reserve scenarios do not fill; they fill \{counters\} \{prefix\} \{count\}/);
    refused('claim', 'true {registry} {name}', 'EINVALID', /uses \{name\}/);
  });
});

describe('racetrack run --out', () => {
  test('a parent that cannot hold the directory is exit 2 at once, not an endless mkdir loop', { skip: !existsSync('/proc/self') && 'needs /proc' }, () => {
    const r = racetrack(['run', 'allocate', '--iterations', '1', '--workers', '1', '--out', '/proc/racetrack-nope/run'], { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.json().error, 'EINVALID');
    assert.match(String(r.json().message), /cannot create directory \/proc\/racetrack-nope: its parent exists but cannot hold it/);
  });

  test('a dangling symlink in the way is exit 2, and the parents made for it are removed again', () => {
    const base = outDir('dangling');
    mkdirSync(base);
    symlinkSync(join(base, 'gone'), join(base, 'link'));
    const r = racetrack(['run', 'allocate', '--iterations', '1', '--workers', '1', '--out', join(base, 'link', 'a', 'b')], { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.json().error, 'EINVALID');
    assert.deepEqual(readdirSync(base), ['link']);
  });

  test('a file is EINVALID, and stays as it was', () => {
    const file = join(dir.path, `not-a-dir-${runs++}`);
    writeFileSync(file, 'mine\n');
    const r = racetrack(['run', 'allocate', '--iterations', '1', '--workers', '1', '--out', file]);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.json().error, 'EINVALID');
    assert.match(String(r.json().message), /is a file, not a directory/);
    assert.equal(readFileSync(file, 'utf8'), 'mine\n');
  });

  test('a directory holding a run, passing or failing, is refused unless --force, which replaces just that run', () => {
    const out = outDir('again');
    const small = (seed: number) => ['--iterations', '2', '--workers', '2', '--seed', String(seed), '--out', out];
    assert.equal(racetrack(['run', 'allocate', ...small(1)]).code, 0);
    writeFileSync(join(out, 'notes.txt'), 'keep me\n');
    const before = readFileSync(join(out, 'result.json'), 'utf8');
    const again = racetrack(['run', 'allocate', ...small(1)]);
    assert.equal(again.code, 2, again.stdout);
    assert.match(String(again.json().message), /already holds a run \(result\.json, history\.jsonl, summary\.md\); give a new directory, or --force/);
    assert.equal(readFileSync(join(out, 'result.json'), 'utf8'), before, 'the passing run is untouched');
    // A failing run keeps its roots: refused the same way.
    const failing = racetrack(['run', 'allocate', '--sut', 'allocate-narrow-lock', '--iterations', '20', '--seed', '3', '--out', outDir('failing-run')]);
    const failed = String(failing.json().outDir);
    assert.ok(existsSync(join(failed, 'roots')));
    assert.equal(racetrack(['run', 'allocate', '--iterations', '2', '--workers', '2', '--out', failed]).code, 2);
    const forced = racetrack(['run', 'allocate', ...small(2), '--force']);
    assert.equal(forced.code, 0, forced.stdout);
    assert.equal(resultOf(out).seed, 2);
    assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'keep me\n', "what is not the run's stays");
  });

  test("--force refuses, and leaves, a file of a run's name that racetrack did not write", () => {
    const out = outDir('foreign');
    mkdirSync(out);
    writeFileSync(join(out, 'summary.md'), '# my own summary\n');
    const r = racetrack(['run', 'allocate', '--iterations', '1', '--workers', '1', '--out', out, '--force']);
    assert.equal(r.code, 2, r.stdout);
    assert.match(String(r.json().message), /summary\.md is not what a run leaves there/);
    assert.deepEqual(readdirSync(out), ['summary.md']);
    assert.equal(readFileSync(join(out, 'summary.md'), 'utf8'), '# my own summary\n');
  });

  // Threads are interrupted while the roots are still being laid out, processes once they run.
  for (const [isolation, group, phase, iterations] of [
    ['thread', false, 'setup', 100_000],
    ['process', true, 'run', 20_000],
  ] as const) {
    test(`Ctrl-C (a real SIGINT${group ? ' to the whole process group, as a terminal sends it' : ''}) during the ${phase} on ${isolation === 'thread' ? 'threads' : 'processes'} removes what the run created, and the same command runs again`, async () => {
      const parent = outDir(`interrupted-${isolation}`);
      mkdirSync(parent);
      const out = join(parent, 'run');
      const args = (n: number) => ['run', 'reserve', '--isolation', isolation, '--iterations', String(n), '--workers', '2', '--out', out];
      const [cmd, ...base] = scriptCommand(cliPath);
      const child = spawn(cmd!, [...base, ...args(iterations)], { detached: group, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
      const running = new Promise<void>((go) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('racetrack: iteration')) go();
        }),
      );
      if (phase === 'run') await running;
      else while (!existsSync(join(out, 'roots', 'i0000'))) await new Promise((r) => setTimeout(r, 20));
      assert.ok(existsSync(join(out, 'roots')), 'the run is under way');
      if (group) process.kill(-child.pid!, 'SIGINT');
      else child.kill('SIGINT');
      const { signal } = await exited;
      assert.equal(signal, 'SIGINT', `racetrack ends by the signal it got: ${stderr}`);
      assert.match(stderr, /racetrack: interrupted by SIGINT; removed /);
      assert.deepEqual(readdirSync(parent), [], 'the run directory it created is gone');
      const rerun = racetrack(args(2));
      assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    });
  }
});
