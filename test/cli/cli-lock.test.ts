// `racetrack lock FILE -- COMMAND`, run as real child processes of the runtime under test (Node on
// the built output, Deno on the sources), contending on real files, with real signals.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { racetrack, startRacetrack as start, until } from '../support/cli.ts';
import { tempDir } from '../support/tmp.ts';

const dir = tempDir('racetrack-cli-lock-');
after(() => dir.cleanup());

/**
 * `racetrack lock <name>.lock` around a command that marks its start and sleeps for 60 s; resolves
 * once the command runs. End it with SIGTERM (racetrack passes it on).
 */
async function holding(name: string, options: readonly string[] = []) {
  const lock = join(dir.path, `${name}.lock`);
  const started = join(dir.path, `${name}.started`);
  const holder = start(['lock', ...options, lock, 'sh', '-c', 'touch "$0"; exec sleep 60', started]);
  await until(`the ${name} command runs`, () => existsSync(started));
  return { lock, holder };
}

describe('racetrack lock', () => {
  test('runs the command holding the lock, passes on its output and status, and leaves nothing', () => {
    const lock = join(dir.path, 'a.lock');
    const r = racetrack(['lock', lock, '--', 'sh', '-c', 'test -f "$0" && echo held; exit 3', lock]);
    assert.equal(r.stdout, 'held\n', "nothing of racetrack's own on stdout");
    assert.equal(r.code, 3);
    assert.equal(existsSync(lock), false);
  });

  test('bad input and a command that cannot start get exit 2 and a JSON error, and leave nothing', () => {
    const sub = join(dir.path, 'bad');
    const lock = join(dir.path, 'b.lock');
    for (const args of [
      ['lock', '--timeout', '-5', lock, 'true'],
      ['lock', '--stale-ms', '1.5', lock, 'true'],
      ['lock', lock],
      ['lock', lock, '--'],
      ['lock', join(sub, 'missing', 'c.lock'), 'true'],
      ['lock', lock, 'racetrack-no-such-command'],
    ]) {
      const r = racetrack(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(typeof r.json().error, 'string', args.join(' '));
    }
    assert.equal(existsSync(lock), false);
    assert.equal(existsSync(sub), false);
    const missing = racetrack(['lock', lock, 'racetrack-no-such-command']);
    assert.equal(missing.json().error, 'ENOTFOUND', 'a command that is not there, as for --exec');
    assert.equal(missing.json().errno, 'ENOENT');
  });

  test('processes that lock one file exclude each other: no increment of a shared counter is lost', async () => {
    const lock = join(dir.path, 'count.lock');
    const counter = join(dir.path, 'count');
    writeFileSync(counter, '0');
    const bump = 'n=$(cat "$0"); sleep 0.01; echo $((n + 1)) > "$0"';
    const runs = Array.from({ length: 6 }, async () => {
      for (let i = 0; i < 4; i++) {
        const { code, stdout } = await start(['lock', '--timeout', '60000', lock, 'sh', '-c', bump, counter]).done;
        assert.equal(code, 0, stdout);
      }
    });
    await Promise.all(runs);
    assert.equal(readFileSync(counter, 'utf8').trim(), '24');
    assert.deepEqual(
      readdirSync(dir.path).filter((f) => f.startsWith('count.lock')),
      [],
    );
  });

  test('a second caller with --no-wait gets ELOCKED while the command runs', async () => {
    const { lock, holder } = await holding('busy');
    const r = racetrack(['lock', '--no-wait', lock, 'true']);
    assert.equal(r.code, 2);
    assert.equal(r.json().error, 'ELOCKED');
    process.kill(holder.pid, 'SIGTERM');
    await holder.done;
    assert.equal(existsSync(lock), false);
  });

  test('SIGTERM while waiting ends racetrack at once, and the lock is left as it was', async () => {
    const { lock, holder } = await holding('wait');
    const waiter = start(['lock', '--timeout', '60000', lock, 'touch', join(dir.path, 'wait.never')]);
    await until('the waiter queues', () => existsSync(`${lock}.q`));
    process.kill(waiter.pid, 'SIGTERM');
    const ended = await waiter.done;
    assert.ok(ended.signal === 'SIGTERM' || ended.code === 128 + 15, JSON.stringify(ended));
    assert.equal(existsSync(join(dir.path, 'wait.never')), false, "the waiter's command never ran");
    assert.equal(existsSync(lock), true, 'the holder still holds it');
    process.kill(holder.pid, 'SIGTERM');
    await holder.done;
    assert.equal(existsSync(lock), false);
  });

  test('SIGTERM sent to racetrack reaches the command; the lock is released when it ends', async () => {
    const { lock, holder } = await holding('term');
    process.kill(holder.pid, 'SIGTERM');
    const ended = await holder.done;
    assert.ok(ended.signal === 'SIGTERM' || ended.code === 128 + 15, 'racetrack ends as its command did');
    assert.equal(ended.stdout, '');
    assert.equal(existsSync(lock), false);
  });

  test('a command ended by SIGINT ends racetrack by SIGINT after the release, so a shell script stops as it would', async () => {
    const lock = join(dir.path, 'int.lock');
    const ended = await start(['lock', lock, 'sh', '-c', 'kill -INT $$']).done;
    assert.ok(ended.signal === 'SIGINT' || ended.code === 128 + 2, JSON.stringify(ended));
    assert.equal(existsSync(lock), false);
  });

  test('a command that outlives --stale-ms loses the lock to a waiter and racetrack reports it', async () => {
    const { lock, holder } = await holding('stale', ['--stale-ms', '300']);
    const r = racetrack(['lock', '--stale-ms', '300', lock, 'true']);
    assert.equal(r.code, 0, r.stdout);
    process.kill(holder.pid, 'SIGTERM');
    const { code, stdout } = await holder.done;
    assert.equal(code, 2);
    const err = JSON.parse(stdout) as { error: string; status: number };
    assert.equal(err.error, 'ECOMPROMISED');
    assert.equal(err.status, 128 + 15, "the command's own status is reported");
  });
});
