// Each lock idiom racetrack reads from a trace, shown on a real script under real strace: the
// script takes DIR/x.lock, writes DIR/inside, and lets the lock go; the hold racetrack finds must
// be that lock, and the write must fall inside it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { lockHolds, type LockIdiom } from '../../../harness/strace/lock-idioms.ts';
import { unquote } from '../../../harness/strace/parse.ts';
import { runTraced, type TracedRun } from '../../../harness/strace/run-traced.ts';
import { tempDir } from '../../support/tmp.ts';
import { lockIdiomsDir, needStrace, python } from './strace-fixtures.ts';

const FIXTURES = lockIdiomsDir();
const dir = tempDir('racetrack-lock-idioms-');
after(() => dir.cleanup());
let n = 0;

async function traced(t: Parameters<typeof needStrace>[0], command: (script: string) => string[] | null, script: string): Promise<{ run: TracedRun; root: string } | null> {
  const info = needStrace(t);
  if (info === null) return null;
  const argv = command(join(FIXTURES, script));
  if (argv === null) {
    t.skip('python3 is not installed');
    return null;
  }
  const root = join(dir.path, `r${n++}`);
  await import('node:fs').then((fs) => fs.mkdirSync(root));
  const run = await runTraced(info, [...argv, root], { timeoutMs: 30_000 });
  assert.equal(run.code, 0, run.stderr);
  return { run, root };
}

const bash = (s: string) => ['bash', s];
const py = (s: string) => (python === null ? null : [python, '-S', s]);

/** When the script opened DIR/inside to write it (wall seconds). */
function insideWrittenAt(run: TracedRun, root: string): number {
  const open = run.trace.syscalls.find((s) => (s.name === 'openat' || s.name === 'open') && s.result !== null && s.result >= 0 && s.args.some((a) => unquote(a)?.endsWith('inside') ?? false));
  assert.ok(open !== undefined, `the trace shows ${root}/inside opened`);
  return open.time;
}

const CASES: readonly [string, (s: string) => string[] | null, LockIdiom][] = [
  ['flock-unlock.sh', bash, 'flock'],
  ['flock-exit.sh', bash, 'flock'],
  ['fcntl-close.py', py, 'fcntl'],
  ['excl-unlink.py', py, 'excl'],
  ['mkdir-rmdir.sh', bash, 'mkdir'],
  ['link-unlink.sh', bash, 'link'],
];

describe('lock idioms in a trace', () => {
  for (const [script, command, idiom] of CASES) {
    test(`${script}: one ${idiom} hold of x.lock, released, with the write inside it`, async (t) => {
      const got = await traced(t, command, script);
      if (got === null) return;
      const holds = lockHolds(got.run.trace);
      assert.deepEqual(
        holds.map((h) => [h.idiom, h.path]),
        [[idiom, join(got.root, 'x.lock')]],
      );
      const [hold] = holds;
      assert.ok(hold!.releasedAt !== null, 'released before the script ended');
      const inside = insideWrittenAt(got.run, got.root);
      assert.ok(hold!.invokedAt <= hold!.acquiredAt && hold!.acquiredAt <= inside && inside <= hold!.releasedAt!, JSON.stringify({ hold, inside }));
    });
  }

  test('a mkdir lock never removed is a hold with no release', async (t) => {
    const got = await traced(t, bash, 'mkdir-left.sh');
    if (got === null) return;
    const holds = lockHolds(got.run.trace);
    assert.deepEqual(
      holds.map((h) => [h.idiom, h.releasedAt]),
      [['mkdir', null]],
    );
  });

  test('a directory or file not named like a lock is no lock', async (t) => {
    const got = await traced(t, bash, 'mkdir-rmdir.sh');
    if (got === null) return;
    // The same trace, the lock's name taken away: nothing is a lock any more.
    const renamed = { ...got.run.trace, syscalls: got.run.trace.syscalls.map((s) => ({ ...s, args: s.args.map((a) => a.replaceAll('x.lock', 'x.dir')) })) };
    assert.deepEqual(lockHolds(renamed), []);
  });
});
