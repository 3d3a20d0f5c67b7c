// The behaviour every lock implementation must show, run against every registered system under
// test that locks: the core lock, its variants, the peers, and the known-broken controls. Those
// that fall short must fail exactly the cases test/contracts/expected-failures.ts names.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contendProcesses, contendThreads, failures, okValues } from '../support/contend.ts';
import type { ContractCase } from '../support/contract.ts';
import { withTempDir } from '../support/tmp.ts';
import { deadHolderLockRecord, deadHolderRecord } from '../fixtures/dead-holder.ts';
import type { LockOptions } from '../../core/lock/lock.ts';
import type { Sut } from '../../scenarios/suts/sut.ts';

function distinctCount(values: unknown[]): number {
  return new Set(values).size;
}

/** The lock contract's cases for `sut`, whose contenders run test/fixtures/ops/lock-counter and lock-dying-holder. */
export function lockContract(sut: Sut): ContractCase[] {
  const { name } = sut;
  const acquire = (path: string, lockOptions: LockOptions) => sut.acquire!(path, { lockOptions });
  return [
    {
      id: 'threads-exclusive',
      title: '8 worker threads never hold the lock at once',
      run: () =>
        withTempDir(async (dir) => {
          writeFileSync(join(dir, 'counter'), '0');
          const results = await contendThreads('lock-counter', { dir, impl: name, holdMs: 0 }, 8, 30);
          assert.deepEqual(failures(results), []);
          assert.equal(distinctCount(okValues(results)), 240, 'every holder saw a distinct counter value');
          assert.deepEqual(readdirSync(dir), ['counter'], 'nothing left behind');
        }),
    },
    {
      id: 'processes-exclusive',
      title: '4 child processes never hold the lock at once',
      run: () =>
        withTempDir(async (dir) => {
          writeFileSync(join(dir, 'counter'), '0');
          const results = await contendProcesses('lock-counter', { dir, impl: name, holdMs: 0 }, 4, 30);
          assert.deepEqual(failures(results), []);
          assert.equal(distinctCount(okValues(results)), 120, 'every holder saw a distinct counter value');
          assert.deepEqual(readdirSync(dir), ['counter'], 'nothing left behind');
        }),
    },
    {
      id: 'stale-break-race',
      title: 'breakers racing on stale locks never both hold the lock',
      run: () =>
        withTempDir(async (dir) => {
          writeFileSync(join(dir, 'counter'), '0');
          writeFileSync(join(dir, 'counter.lock'), deadHolderRecord());
          const results = await contendThreads('lock-dying-holder', { dir, impl: name, holdMs: 2 }, 8, 12);
          assert.deepEqual(failures(results), []);
          assert.equal(distinctCount(okValues(results)), 96, 'each break had exactly one winner');
        }),
    },
    {
      id: 'dead-holder-broken',
      title: 'a lock whose holder is dead is broken at once',
      run: () =>
        withTempDir(async (dir) => {
          const path = join(dir, 'x.lock');
          writeFileSync(path, deadHolderRecord());
          const lock = await acquire(path, { timeoutMs: 2000, staleMs: 60000 });
          assert.notEqual(readFileSync(path, 'utf8'), deadHolderRecord(), 'the lock file is ours now');
          await lock.release();
          assert.equal(existsSync(path), false);
        }),
    },
    {
      id: 'held-lock-waits',
      title: 'a held lock is not taken by a second acquirer before its deadline',
      run: () =>
        withTempDir(async (dir) => {
          const path = join(dir, 'x.lock');
          const first = await acquire(path, {});
          await assert.rejects(acquire(path, { timeoutMs: 30 }), (err: { code?: string }) => err.code === 'ETIMEOUT');
          await first.release();
          const second = await acquire(path, { timeoutMs: 1000 });
          await second.release();
        }),
    },
    {
      id: 'symlink-untouched',
      title: 'a symlink at the lock path is neither followed nor removed',
      run: () =>
        withTempDir(async (dir) => {
          const target = join(dir, 'precious');
          writeFileSync(target, 'keep me');
          const path = join(dir, 'x.lock');
          symlinkSync(target, path);
          await assert.rejects(acquire(path, { timeoutMs: 50, staleMs: 0 }));
          assert.equal(readFileSync(target, 'utf8'), 'keep me');
          assert.equal(existsSync(path), true);
        }),
    },
    {
      id: 'symlinked-queue-untouched',
      title: 'a symlink beside the lock where a waiter queue would be is never followed: nothing in its target is removed',
      run: () =>
        withTempDir(async (dir) => {
          const victim = join(dir, 'victim');
          mkdirSync(victim);
          const names = ['.env', '.netrc', '-rf', '0000-not-a-waiter'];
          for (const n of names) writeFileSync(join(victim, n), 'keep');
          const path = join(dir, 'x.lock');
          symlinkSync(victim, `${path}.q`);
          try {
            const first = await acquire(path, { timeoutMs: 200 });
            const second = acquire(path, { timeoutMs: 200 });
            await first.release();
            await (await second).release();
          } catch {
            // Refusing the lock is allowed; touching the symlink's target is not.
          }
          assert.deepEqual(readdirSync(victim).sort(), [...names].sort());
          assert.equal(lstatSync(`${path}.q`).isSymbolicLink(), true);
        }),
    },
    {
      id: 'foreign-file-refused',
      title: 'an existing file at the lock path that holds no lock record is never broken or deleted, however old',
      run: () =>
        withTempDir(async (dir) => {
          const path = join(dir, 'data.txt');
          writeFileSync(path, 'precious\n');
          const old = (Date.now() - 60_000) / 1000;
          utimesSync(path, old, old);
          await assert.rejects(acquire(path, { timeoutMs: 300, staleMs: 100 }));
          assert.equal(readFileSync(path, 'utf8'), 'precious\n');
        }),
    },
    {
      id: 'other-pid-space-not-dead',
      title: 'a young lock whose holder ran in another PID namespace is not broken for its pid being absent here',
      run: () =>
        withTempDir(async (dir) => {
          const path = join(dir, 'x.lock');
          const record = `${JSON.stringify({ ...deadHolderLockRecord('9'.repeat(24)), space: 'abcdefabcdef' })}\n`;
          writeFileSync(path, record);
          await assert.rejects(acquire(path, { timeoutMs: 200, staleMs: 60_000 }), (err: { code?: string }) => err.code === 'ETIMEOUT');
          assert.equal(readFileSync(path, 'utf8'), record);
        }),
    },
  ];
}
