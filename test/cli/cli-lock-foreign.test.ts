// What the lock must never do to what it did not make, and whom it must not take for dead or old,
// shown with real processes: a data file and a flock(1) lock file at the lock path, a symlinked
// waiter queue, a holder in another PID namespace, and processes whose clocks are a day off.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { scriptCommand } from '../../core/runtime.ts';
import { cliPath, racetrack } from '../support/cli.ts';
import { tempDir } from '../support/tmp.ts';

const dir = tempDir('racetrack-cli-foreign-');
after(() => dir.cleanup());

/** Whether `argv` runs here (a tool installed, a namespace we may create). */
function runs(argv: readonly string[]): boolean {
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

const hasFlock = runs(['flock', '--version']);
const hasFaketime = runs(['faketime', '-f', '+1d', 'true']);
/** A PID namespace with its own /proc: as root, or through a user namespace where the kernel allows one. */
const unsharePid = ['unshare', '--pid', '--fork', '--mount-proc'];
const unshareArgv = runs([...unsharePid, 'true'])
  ? unsharePid
  : runs(['unshare', '--user', '--map-root-user', ...unsharePid.slice(1), 'true'])
    ? ['unshare', '--user', '--map-root-user', ...unsharePid.slice(1)]
    : null;

/** Starts `argv` in the background; resolves with its exit code. */
function background(argv: readonly string[], env: Record<string, string> = {}): { pid: number; done: Promise<number | null> } {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', env: { ...process.env, ...env } });
  return { pid: child.pid!, done: new Promise((resolve) => child.once('close', (code) => resolve(code))) };
}

async function until(what: string, ready: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ready(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(ready(), `timed out waiting until ${what}`);
}

/** The racetrack CLI argv, behind `prefix` (faketime, unshare). */
function rt(prefix: readonly string[], args: readonly string[]): string[] {
  return [...prefix, ...scriptCommand(cliPath), ...args];
}

/** Holds `lock` with `racetrack lock` run behind `prefix` until the returned stop() is called. */
async function holdLock(name: string, prefix: readonly string[] = [], env: Record<string, string> = {}) {
  const lock = join(dir.path, `${name}.lock`);
  const started = join(dir.path, `${name}.started`);
  const stop = join(dir.path, `${name}.stop`);
  const holder = background(rt(prefix, ['lock', lock, 'sh', '-c', 'touch "$0"; while [ ! -e "$1" ]; do sleep 0.05; done', started, stop]), env);
  await until(`${name} holds its lock`, () => existsSync(started));
  return {
    lock,
    async release(): Promise<number | null> {
      writeFileSync(stop, '');
      return holder.done;
    },
  };
}

describe('racetrack lock never harms what it did not make', () => {
  test('an existing data file used as a lock path is refused with exit 2, and is not deleted', () => {
    const data = join(dir.path, 'data.txt');
    writeFileSync(data, 'precious\n');
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(data, old, old);
    const r = racetrack(['lock', data, '--', 'cat', data]);
    assert.equal(r.code, 2);
    const err = r.json();
    assert.equal(err.error, 'EINVALID');
    assert.equal(err.reason, 'foreign');
    assert.match(String(err.message), /not a racetrack lock/);
    assert.equal(readFileSync(data, 'utf8'), 'precious\n');
  });

  test('a flock(1) lock file is refused while its flock holder is inside, and stays', { skip: !hasFlock && 'flock(1) is not installed' }, async () => {
    const lock = join(dir.path, 'alloc.lock');
    const inside = join(dir.path, 'flock.inside');
    const stop = join(dir.path, 'flock.stop');
    const holder = background(['flock', lock, 'sh', '-c', 'touch "$0"; while [ ! -e "$1" ]; do sleep 0.05; done', inside, stop]);
    await until('the flock holder is inside', () => existsSync(inside));
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lock, old, old); // older than any grace or stale limit
    const r = racetrack(['lock', '--stale-ms', '100', lock, 'true']);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.json().reason, 'foreign');
    assert.equal(existsSync(lock), true, "the flock holder's file is still there");
    writeFileSync(stop, '');
    assert.equal(await holder.done, 0);
  });

  test('a symlinked waiter queue is refused with exit 2 and deletes nothing in its target, through reserve, lock and allocate', () => {
    const counters = join(dir.path, 'c.json');
    writeFileSync(counters, '{"counters":{"SEC":3}}\n');
    const topics = join(dir.path, 'topics');
    mkdirSync(topics);
    const victim = join(dir.path, 'victim');
    mkdirSync(victim);
    const names = ['.env', '.netrc', '-rf', '#x', '000000000000000000'];
    for (const n of names) writeFileSync(join(victim, n), 'keep');
    symlinkSync(victim, `${counters}.lock.q`);
    symlinkSync(victim, join(topics, '.topic_number.lock.q'));
    for (const [args, queue] of [
      [['reserve', '--counters', counters, 'SEC'], `${counters}.lock.q`],
      [['lock', `${counters}.lock`, 'true'], `${counters}.lock.q`],
      [['allocate', '--root', topics, '--name', 'x'], join(topics, '.topic_number.lock.q')],
    ] as const) {
      const r = racetrack(args);
      assert.equal(r.code, 2, r.stdout);
      assert.equal(r.json().path, queue, args.join(' '));
    }
    assert.deepEqual(readdirSync(victim).sort(), [...names].sort());
    assert.equal(readFileSync(counters, 'utf8'), '{"counters":{"SEC":3}}\n', 'the counter was not touched');
    assert.deepEqual(readdirSync(topics), ['.topic_number.lock.q'], 'no topic allocated');
  });
});

describe('racetrack lock judges death and age only where it can', () => {
  test('a holder in another PID namespace is not taken for dead: a waiter waits for its lease', { skip: unshareArgv === null && 'cannot create a PID namespace here' }, async () => {
    const held = await holdLock('ns', unshareArgv ?? []);
    const r = racetrack(['lock', '--timeout', '1000', held.lock, 'true']);
    assert.equal(r.code, 2, `the waiter ran at once: ${r.stdout}`);
    assert.equal(r.json().error, 'ETIMEOUT');
    assert.equal(await held.release(), 0, 'the holder kept its lock to the end');
  });

  test('a holder whose clock is a day behind is not broken early by an honest waiter', { skip: !hasFaketime && 'faketime is not installed' }, async () => {
    const held = await holdLock('behind', ['faketime', '-f', '-1d']);
    const r = racetrack(['lock', '--timeout', '1000', held.lock, 'true']);
    assert.equal(r.code, 2, `the waiter broke the lock: ${r.stdout}`);
    assert.equal(r.json().error, 'ETIMEOUT');
    assert.equal(await held.release(), 0, 'the holder kept its lock to the end');
  });

  test('a waiter whose clock is a day ahead does not break an honest holder', { skip: !hasFaketime && 'faketime is not installed' }, async () => {
    const held = await holdLock('ahead');
    const argv = rt(['faketime', '-f', '+1d'], ['lock', '--timeout', '1000', held.lock, 'true']);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    assert.equal(r.status, 2, `the waiter broke the lock: ${r.stdout}`);
    assert.equal((JSON.parse(r.stdout) as { error: string }).error, 'ETIMEOUT');
    assert.equal(await held.release(), 0, 'the holder kept its lock to the end');
  });
});
