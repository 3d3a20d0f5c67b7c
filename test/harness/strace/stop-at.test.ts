// The crash point of `fuzz --exec`: strace stops the chosen process right after the chosen call,
// and racetrack kills every process of the command there. Real scripts, real strace.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runTraced } from '../../../harness/strace/run-traced.ts';
import { crashPointsOf } from '../../../harness/strace/stop-at.ts';
import { tempDir } from '../../support/tmp.ts';
import { needStrace } from './strace-fixtures.ts';

const dir = tempDir('racetrack-stop-at-');
after(() => dir.cleanup());
let n = 0;

/** A fresh root with a file `a`, and a script that renames it in a child (mv), then writes `c` from the shell itself. */
function root(): { root: string; argv: string[] } {
  const root = join(dir.path, `r${n++}`);
  mkdirSync(root);
  writeFileSync(join(root, 'a'), 'a\n');
  return { root, argv: ['bash', '-c', `mv "$1/a" "$1/b"; echo after > "$1/c"; echo done`, 'script', root] };
}

test('a recorded run names the calls that change the root, each in the process that made it', async (t) => {
  const info = needStrace(t);
  if (info === null) return;
  const { root: r, argv } = root();
  const run = await runTraced(info, argv, { timeoutMs: 30_000 });
  assert.equal(run.code, 0, run.stderr);
  const points = crashPointsOf(run.trace, r);
  const rename = points.find((p) => p.syscall.startsWith('rename'));
  const create = points.find((p) => p.call.includes('/c"') && p.syscall.startsWith('open'));
  assert.ok(rename !== undefined, `a rename among ${JSON.stringify(points)}`);
  assert.ok(create !== undefined, `the creation of c among ${JSON.stringify(points)}`);
  assert.notEqual(rename.process, create.process, 'mv runs in a child of the shell');
  assert.equal(rename.nth, 1);
  // Its own output to racetrack is a point too (the caller is told there).
  assert.ok(
    points.some((p) => /^write\(1<(pipe|socket|UNIX-STREAM|UNIX):/.test(p.call)),
    JSON.stringify(points),
  );
});

test('stopped right after the rename, the whole tree dies there: b exists, the shell never goes on to make c', async (t) => {
  const info = needStrace(t);
  if (info === null) return;
  const first = root();
  const recorded = await runTraced(info, first.argv, { timeoutMs: 30_000 });
  const rename = crashPointsOf(recorded.trace, first.root).find((p) => p.syscall.startsWith('rename'))!;
  const { root: r, argv } = root();
  const run = await runTraced(info, argv, { timeoutMs: 30_000, stopAt: rename });
  assert.ok(run.stoppedAt !== null, 'the point was reached');
  assert.equal(run.stoppedAt.process, rename.process);
  assert.match(run.stoppedAt.call, /^rename/);
  assert.equal(run.code, null);
  assert.equal(existsSync(join(r, 'b')), true, 'the rename was made');
  assert.equal(existsSync(join(r, 'a')), false);
  assert.equal(existsSync(join(r, 'c')), false, 'the shell, the parent of the stopped mv, was killed with it');
  assert.equal(run.stdout, '');
});

test('a point in a process the run never makes is not reached, and the command runs to its end', async (t) => {
  const info = needStrace(t);
  if (info === null) return;
  const { root: r, argv } = root();
  const run = await runTraced(info, argv, { timeoutMs: 30_000, stopAt: { process: 9, syscall: 'renameat2', nth: 1, call: '' } });
  assert.equal(run.stoppedAt, null);
  assert.equal(run.code, 0);
  assert.equal(existsSync(join(r, 'c')), true);
});
