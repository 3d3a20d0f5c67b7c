import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectStrace } from '../../../../harness/strace/detect.ts';
import { racetrack } from '../../../support/cli.ts';
import { examplesDir } from '../../../support/examples.ts';
import { inTempDir } from '../../../support/tmp.ts';

const skip = detectStrace() === null ? 'strace is not installed (apt-get install strace)' : false;

type CaseFile = { exec: { cwd?: string }; violations: { invariant: string }[] };

/** A project directory holding write-in-place.sh, fuzzed from there with a relative --exec: its case.json. */
function failingCase(dir: string): { project: string; elsewhere: string; casePath: string } {
  const project = join(dir, 'project');
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(project);
  mkdirSync(elsewhere);
  copyFileSync(join(examplesDir(), 'write-in-place.sh'), join(project, 'write-in-place.sh'));
  const r = racetrack(['fuzz', 'write', '--exec', 'bash write-in-place.sh {file} {payload}', '--runs', '2', '--seed', '1', '--out', 'out', '--quiet'], { cwd: project });
  assert.equal(r.code, 1, r.stdout);
  return { project, elsewhere, casePath: join(project, 'out', 'case.json') };
}

const readCase = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as CaseFile;

test(
  'a replay runs the commands in the directory they ran in, wherever racetrack is started',
  { skip },
  inTempDir((dir) => {
    const { project, elsewhere, casePath } = failingCase(dir);
    const recorded = readCase(casePath);
    assert.equal(recorded.exec.cwd, realpathSync(project), 'case.json records where the commands ran');
    const again = racetrack(['fuzz', '--replay', casePath, '--quiet'], { cwd: elsewhere });
    assert.equal(again.code, 1, again.stdout);
    const failure = again.json().failure as { violations: { invariant: string; message: string }[] };
    assert.deepEqual(
      failure.violations.map((v) => v.invariant),
      recorded.violations.map((v) => v.invariant),
      JSON.stringify(failure.violations),
    );
    assert.deepEqual(readdirSync(elsewhere), [], 'nothing written where the replay was started');
  }),
);

test(
  'a replay whose directory is not on this machine runs from the current directory, saying so',
  { skip },
  inTempDir((dir) => {
    const { project, casePath } = failingCase(dir);
    const gone = join(dir, 'ci-runner', 'work');
    const file = readCase(casePath);
    writeFileSync(casePath, JSON.stringify({ ...file, exec: { ...file.exec, cwd: gone } }));
    const r = racetrack(['fuzz', '--replay', casePath], { cwd: project });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`ran in ${gone}, which is not a directory here; replaying from `));
    const failure = r.json().failure as { violations: { invariant: string }[] };
    assert.deepEqual(
      failure.violations.map((v) => v.invariant),
      file.violations.map((v) => v.invariant),
    );
    assert.equal(existsSync(gone), false);
  }),
);

test(
  'a case file without a directory (written before racetrack recorded one) replays from the current directory',
  { skip },
  inTempDir((dir) => {
    const { project, casePath } = failingCase(dir);
    const file = readCase(casePath);
    const { cwd: _, ...exec } = file.exec;
    writeFileSync(casePath, JSON.stringify({ ...file, exec }));
    const r = racetrack(['fuzz', '--replay', casePath, '--quiet'], { cwd: project });
    assert.equal(r.code, 1, r.stdout);
    const failure = r.json().failure as { violations: { invariant: string }[] };
    assert.deepEqual(
      failure.violations.map((v) => v.invariant),
      ['target-old-or-new'],
    );
  }),
);
