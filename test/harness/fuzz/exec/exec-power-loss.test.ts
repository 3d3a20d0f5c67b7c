import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectStrace } from '../../../../harness/strace/detect.ts';
import { racetrack } from '../../../support/cli.ts';
import { examplesDir } from '../../../support/examples.ts';
import { inTempDir } from '../../../support/tmp.ts';

const skip = detectStrace() === null ? 'strace is not installed (apt-get install strace)' : false;

type Failure = { violations: { invariant: string }[]; crash: string; calls: string[]; lost: string[] };

test(
  "a power-loss failure of a user's command prints the run's one-line header and lists each call of the command once",
  { skip },
  inTempDir((dir) => {
    const script = join(examplesDir(), 'write-atomic.sh');
    const r = racetrack(['fuzz', 'write', '--exec', `bash '${script}' {file} {payload}`, '--power-loss', '--runs', '1', '--seed', '7', '--out', join(dir, 'out')]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^racetrack fuzz write \(sut exec, power-loss\): FAIL after 1 runs, \d+ crash states in .+, seed 7$/m);
    const f = r.json().failure as Failure;
    const creates = f.calls.filter((c) => /STATE\.md\.tmp.*O_CREAT/.test(c));
    assert.equal(creates.length, 1, f.calls.join('\n'));
    assert.match(f.crash, new RegExp(`^power loss after ${f.calls.length} of the fs calls`));
  }),
);

test(
  'a power-loss case written when the replay counted its own look-ups as calls replays the same crash state',
  { skip },
  inTempDir((dir) => {
    // As racetrack wrote it before: instant 5 counted an lstat before the temp's open.
    const path = join(dir, 'case.json');
    writeFileSync(
      path,
      JSON.stringify({
        racetrack: 'fuzz-case',
        version: 1,
        primitive: 'write',
        sut: 'exec',
        mode: 'power-loss',
        powerLoss: true,
        disk: 'sim',
        seed: 1,
        path: '0:2:1',
        exec: { command: 'bash write-atomic.sh {file} {payload}', keep: [], timeoutMs: 30000 },
        ops: [{ kind: 'write', size: 1 }],
        powerLossState: { instant: 5, choices: [{ key: 'dir:2', keep: 0 }] },
      }),
    );
    const r = racetrack(['fuzz', '--replay', path, '--quiet'], { cwd: examplesDir() });
    assert.equal(r.code, 1, r.stdout);
    const f = r.json().failure as Failure;
    assert.deepEqual(
      f.violations.map((v) => v.invariant),
      ['target-old-or-new'],
    );
    assert.match(f.crash, /^power loss after 4 of the fs calls replayed from the trace: 0 pending change\(s\) survived, 3 lost$/);
    assert.deepEqual(
      f.lost.map((l) => l.replace(/\.tmp\.\d+/g, '.tmp')),
      ['call 0: create entry STATE.md.tmp', 'call 1: write 5 bytes at 0 to STATE.md.tmp', 'call 3: rename STATE.md.tmp -> STATE.md'],
    );
  }),
);
