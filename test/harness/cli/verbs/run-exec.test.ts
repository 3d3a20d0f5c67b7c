// `racetrack run <scenario> --exec` for a user's own command, through the real CLI: templates
// checked before anything is created, --setup and --recover, racetrack's own recovery kept off a
// command's files, and kills that reach the command (its worker's whole process group).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunResult } from '../../../../harness/engine/run-result.ts';
import { pairOperations, type HistoryEvent } from '../../../../harness/history/history.ts';
import { racetrack } from '../../../support/cli.ts';
import { tempDir } from '../../../support/tmp.ts';

const dir = tempDir('racetrack-run-exec-');
after(() => dir.cleanup());

let runs = 0;
const outDir = (name: string) => join(dir.path, `${name}-${runs++}`);
const resultOf = (out: string) => JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
const historyOf = (out: string) =>
  readFileSync(join(out, 'history.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as HistoryEvent);
const rootsOf = (out: string) =>
  readdirSync(join(out, 'roots'))
    .filter((d) => /^i\d+$/.test(d))
    .map((d) => join(out, 'roots', d));

describe('racetrack run --exec: a broken template is bad input, before anything is created', () => {
  function refused(args: string[], code: string, message: RegExp): void {
    const out = outDir('bad');
    const r = racetrack(['run', ...args, '--iterations', '2', '--workers', '2', '--out', out]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.json().error, code);
    assert.match(String(r.json().message), message);
    assert.equal(existsSync(out), false, 'nothing was created');
  }

  test('a required placeholder missing', () => {
    refused(['lock', '--exec', 'flock {lock} true'], 'EINVALID', /--exec template must use \{critical\}/);
    refused(['update-json', '--exec', 'true {filter}'], 'EINVALID', /must use \{file\}/);
    refused(['atomic-write', '--exec', 'true {payload}'], 'EINVALID', /must use \{file\}/);
  });

  test('a placeholder the scenario does not fill, and one nobody knows', () => {
    refused(['atomic-write', '--exec', 'true {file} {filter}'], 'EINVALID', /uses \{filter\}, which the write scenarios do not fill; they fill \{file\} \{payload\} \{staleMs\}/);
    refused(['lock', '--exec', 'flock {lock} {critical} {nope}'], 'EINVALID', /unknown placeholder \{nope\}/);
  });

  test('stale-lock cannot be driven by a command, and says why', () => {
    refused(['stale-lock', '--exec', 'flock {lock} {critical}'], 'EINVALID', /cannot drive the stale-lock scenario: its dead holders leave lock records in racetrack's own format/);
  });

  test('--setup and --recover are checked like --exec, and need it', () => {
    refused(['reserve', '--setup', 'true {counters}'], 'EINVALID', /--setup goes with --exec/);
    refused(['reserve', '--exec', 'true {counters}', '--recover', 'true {registry}'], 'EINVALID', /--recover template uses \{registry\}, which the reserve scenario's --recover do not fill/);
    refused(['reserve', '--exec', 'true {counters}', '--setup', './no-such-setup.sh {root}'], 'ENOTFOUND', /--setup command \.\/no-such-setup\.sh does not exist/);
  });

  test('a --setup that fails is exit 2, and the run it began is removed', () => {
    const out = outDir('setup-fails');
    const r = racetrack(['run', 'lock', '--exec', 'flock {lock} {critical}', '--setup', 'false {root}', '--iterations', '2', '--workers', '2', '--out', out]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.json().error, 'EEXEC');
    assert.match(String(r.json().message), /--setup exited 1 in iteration 0/);
    assert.equal(existsSync(out), false);
  });
});

describe('racetrack run --exec: the user lays out and recovers; racetrack keeps off', () => {
  test('--setup runs in every root, with the scenario files as placeholders', () => {
    const out = outDir('setup');
    const r = racetrack([
      'run',
      'lock',
      '--exec',
      'flock {lock} {critical}',
      '--setup',
      'cp {root}/counter {root}/counter.at-setup',
      '--keep',
      'section.lock',
      '--keep',
      'counter.at-setup',
      '--keep-roots',
      '--iterations',
      '3',
      '--workers',
      '2',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const roots = rootsOf(out);
    assert.equal(roots.length, 3);
    for (const root of roots) assert.equal(readFileSync(join(root, 'counter.at-setup'), 'utf8'), '0', 'the copy was made after racetrack laid out the root');
  });

  test("without --recover, a faulted run leaves a command's lock file as the command left it (racetrack's recovery would take it for its own)", () => {
    const out = outDir('no-recover');
    const r = racetrack([
      'run',
      'lock',
      '--exec',
      'flock {lock} {critical}',
      '--keep',
      'section.lock',
      '--keep-roots',
      '--isolation',
      'process',
      '--kill-rate',
      '1',
      '--iterations',
      '4',
      '--workers',
      '3',
      '--seed',
      '5',
      '--out',
      out,
    ]);
    assert.ok(r.code === 0 || r.code === 1, r.stdout + r.stderr);
    const result = resultOf(out);
    assert.equal(result.faults?.faultedIterations, 3, 'every iteration after the first (which times the operations) is faulted');
    assert.deepEqual(result.faults?.recoveries, { ran: 0, failed: 0 });
    for (const root of rootsOf(out)) {
      const lock = join(root, 'section.lock');
      // flock(1) creates its lock file empty; racetrack's recover would have taken it as an unreadable lock of its own and deleted it.
      if (existsSync(lock)) assert.equal(statSync(lock).size, 0, `${lock} is as flock(1) left it`);
    }
    assert.equal(result.checks.find((c) => c.checker === 'mutual-exclusion')?.verdict, 'pass');
  });

  test('--recover runs in every faulted root before the checkers, and is counted', () => {
    const out = outDir('recover');
    // The spec's write_atomic leaves its "<target>.tmp.<pid>" when killed; this recovery removes them.
    const recover = `sh -c 'rm -f "$0".tmp.*' {file}`;
    const r = racetrack([
      'run',
      'atomic-write',
      '--exec',
      `bash ${examples('write-atomic.sh')} {file} {payload}`,
      '--recover',
      recover,
      '--isolation',
      'process',
      '--kill-rate',
      '0.5',
      '--iterations',
      '5',
      '--workers',
      '4',
      '--seed',
      '9',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = resultOf(out);
    assert.ok((result.faults?.faultedIterations ?? 0) > 0);
    assert.deepEqual(result.faults?.recoveries, { ran: result.faults?.faultedIterations, failed: 0 });
    assert.equal(historyOf(out).filter((e) => e.worker === -1 && e.f === 'recover').length, result.faults?.faultedIterations);
  });
});

/** scenarios/examples/NAME, from the source tree or from dist/. */
function examples(name: string): string {
  for (const up of ['../../../../scenarios/examples/', '../../../../../scenarios/examples/']) {
    const path = join(new URL(up, import.meta.url).pathname, name);
    if (existsSync(path)) return path;
  }
  throw new Error(`scenarios/examples/${name} not found`);
}

describe('racetrack run --exec --kill-rate: kills reach the command', () => {
  test("a killed worker's command dies with it (its process group), and each kill says where it landed", async () => {
    const out = outDir('kill-group');
    // Each operation marks its start, sleeps, marks its end and answers. A command that outlived
    // its killed worker would still mark its end; one killed with its worker never does.
    const script = `sh -c 'echo x >> "$0.starts"; sleep 0.3; echo x >> "$0.ends"; echo "{\\"ids\\":[\\"SEC-$$\\"]}"' {counters}`;
    const r = racetrack([
      'run',
      'reserve',
      '--exec',
      script,
      '--keep',
      'counters.json.*',
      '--keep-roots',
      '--isolation',
      'process',
      '--kill-rate',
      '0.5',
      '--iterations',
      '6',
      '--workers',
      '4',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    assert.ok(r.code === 0 || r.code === 1, r.stdout + r.stderr);
    // Give an orphan, if there were one, the time to finish its sleep and mark its end.
    await new Promise((done) => setTimeout(done, 800));
    const result = resultOf(out);
    const faults = result.faults!;
    const inOperation = faults.killList.filter((k) => k.landed === 'in-operation');
    assert.ok(inOperation.length > 0, 'some kill landed inside an operation');
    assert.equal(faults.kills + faults.killsAfterOperation, faults.killList.length);
    const history = historyOf(out);
    const ok = pairOperations(history).filter((o) => o.f === 'reserve' && o.type === 'ok');
    // The window is a percentile of how long unkilled workers' parts took, each part holding a
    // whole operation: so it is never shorter than the shortest completed operation, on one clock.
    const shortestOpMs = Math.min(...ok.map((o) => (o.completeTime - o.invokeTime) / 1e6));
    for (const k of faults.killList) {
      assert.ok(k.delayMs >= 0 && k.delayMs <= k.windowMs, JSON.stringify(k));
      assert.ok(k.windowMs >= shortestOpMs, `the window (${k.windowMs} ms) spans an operation as timed (the shortest took ${shortestOpMs} ms)`);
    }
    const count = (name: string) =>
      rootsOf(out).reduce(
        (n, root) =>
          n +
          (existsSync(join(root, name))
            ? readFileSync(join(root, name), 'utf8')
                .split('\n')
                .filter((l) => l !== '').length
            : 0),
        0,
      );
    const starts = count('counters.json.starts');
    const ends = count('counters.json.ends');
    assert.ok(ends >= ok.length, 'every acknowledged operation marked its end');
    assert.ok(starts > ends, `some command started and never ended: the kill reached it (${starts} started, ${ends} ended)`);
    const killEvents = history.filter((e) => e.worker === -1 && e.f === 'kill');
    assert.equal(killEvents.length, faults.killList.filter((k) => k.signalled).length, 'each kill sent is in the history');
  });
});
