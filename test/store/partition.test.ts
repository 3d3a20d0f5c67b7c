import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../harness/engine/run-result.ts';
import { checkNetPartition } from '../../harness/store/netns.ts';
import { racetrack } from '../support/cli.ts';
import { NO_POSTGRES } from '../support/pg.ts';
import { tempDir } from '../support/tmp.ts';

/** Why this machine cannot partition (not root, no ip(8)), or undefined. */
function noNetns(): string | undefined {
  try {
    checkNetPartition();
    return undefined;
  } catch (err) {
    return `no network namespaces here: ${(err as Error).message}`;
  }
}
const CANNOT = NO_POSTGRES ?? noNetns();

const namespaces = () => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;

function partitioned(args: readonly string[], out: string) {
  return racetrack(['run', 'lock', '--store', 'postgres', '--partition', '--isolation', 'process', '--out', out, ...args], { timeoutMs: 180_000 });
}

const check = (r: RunResult, name: string) => r.checks.find((c) => c.checker === name);

describe('run lock --store postgres --partition', { skip: CANNOT }, () => {
  test("the store's lease lock: every cut-off holder finds its lease run out and does not write; the run passes", () => {
    const dir = tempDir();
    const before = namespaces();
    try {
      const out = join(dir.path, 'run');
      const run = partitioned(['--workers', '4', '--iterations', '4', '--stale-ms', '1000'], out);
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr.slice(-2000)}`);
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
      assert.equal(result.verdict, 'pass');
      assert.equal(result.faults?.partitionMethod, 'veth-down');
      const cuts = result.faults?.partitions ?? [];
      assert.equal(cuts.length, 4, 'one cut per iteration');
      assert.ok(cuts.every((c) => c.worker === 0 && c.forMs >= 1000 && c.afterStartMs >= 0));
      const silent = check(result, 'partitioned-holder-silent');
      assert.equal(silent?.verdict, 'pass');
      // The others begin only once the holder is cut off, so in every iteration one of them waits out the lease and takes the lock.
      assert.equal((silent?.stats as { takenOver?: number } | undefined)?.takenOver, 4, 'another worker took the lock during every cut');
      assert.equal(check(result, 'mutual-exclusion')?.verdict, 'pass');
      assert.equal(check(result, 'lost-updates')?.verdict, 'pass');
      // After the heal the holder learns the truth at release (ECOMPROMISED, or ok where nobody took the lock), never "unreachable".
      const releases = readFileSync(join(out, 'history.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { worker: number; f: string; type: string; value: { error?: string } | null })
        .filter((e) => e.worker === 0 && e.f === 'release' && e.type !== 'invoke');
      assert.equal(releases.length, 4);
      assert.deepEqual(
        releases.filter((e) => e.type !== 'ok' && e.value?.error !== 'ECOMPROMISED'),
        [],
      );
      assert.equal(namespaces(), before, 'the namespace is removed after the run');
    } finally {
      dir.cleanup();
    }
  });

  test('a control holding pg_advisory_lock across the cut: the server frees it, another takes it, the cut-off holder writes anyway; the run fails', () => {
    const dir = tempDir();
    try {
      // The others begin once the holder is cut off: in each iteration one takes the lock the server freed.
      const out = join(dir.path, 'run');
      const run = partitioned(['--sut', 'pg-lock-advisory', '--workers', '3', '--iterations', '2', '--stale-ms', '5000'], out);
      assert.equal(run.code, 1, `${run.stdout}\n${run.stderr.slice(-2000)}`);
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
      assert.equal(result.verdict, 'fail');
      assert.equal(result.faults?.partitions?.length, 2);
      const silent = check(result, 'partitioned-holder-silent');
      assert.equal(silent?.verdict, 'fail');
      assert.equal((silent?.stats as { takenOver?: number } | undefined)?.takenOver, 2, 'another worker took the freed lock during both cuts');
      assert.equal(check(result, 'mutual-exclusion')?.verdict, 'fail', 'two holders at once: the cut-off one and the one the server let in');
    } finally {
      dir.cleanup();
    }
  });
});

test('--partition it cannot honour exits 2 with a JSON error and creates nothing', () => {
  const dir = tempDir();
  try {
    const out = join(dir.path, 'out');
    for (const args of [
      ['run', 'lock', '--partition', '--isolation', 'process'],
      ['run', 'lock', '--store', 'postgres', '--partition'],
      ['run', 'reserve', '--store', 'postgres', '--partition', '--isolation', 'process'],
      ['run', 'lock', '--store', 'postgresql://x@127.0.0.1:1/db', '--partition', '--isolation', 'process'],
      ['run', 'lock', '--store', 'postgres', '--partition', '--isolation', 'process', '--workers', '1'],
    ]) {
      const run = racetrack([...args, '--out', out]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`);
      assert.equal(run.json().error, 'EINVALID');
      assert.match(String(run.json().message), /--partition|PostgreSQL/);
    }
    assert.equal(existsSync(out), false);
  } finally {
    dir.cleanup();
  }
});

test('where the machine allows no network namespace, --partition exits 2 saying why', { skip: noNetns() === undefined ? 'this machine allows network namespaces (root)' : false }, () => {
  const run = racetrack(['run', 'lock', '--store', 'postgres', '--partition', '--isolation', 'process']);
  assert.equal(run.code, 2, run.stdout);
  assert.match(String(run.json().message), /root|CAP_NET_ADMIN|PostgreSQL/);
});
