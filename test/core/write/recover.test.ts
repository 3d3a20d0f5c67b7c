import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { defaultDeps } from '../../../core/deps.ts';
import { isRacetrackError } from '../../../core/errors.ts';
import { acquireLock } from '../../../core/lock/lock.ts';
import { recover, type RecoveryReport } from '../../../core/write/recover.ts';
import { currentIdentity } from '../../../core/runtime.ts';
import { formatTempName } from '../../../core/write/temp-name.ts';
import { DEAD_PID, deadHolderRecord } from '../../fixtures/dead-holder.ts';
import { makePayload, payloadId } from '../../fixtures/payload.ts';
import { contendThreads, failures } from '../../support/contend.ts';
import { faultyFs } from '../../support/faulty-fs.ts';
import { inTempDir } from '../../support/tmp.ts';

const encoder = new TextEncoder();
const OLD = encoder.encode('{"version": 1}\n');
const NEW = encoder.encode('{"version": 2, "entries": ["a"]}\n');
let nonce = 0;

/**
 * Plants a temp of `file` named for `promised` by a writer with `pid` in our PID space (unless
 * `pidSpace` says otherwise), holding `actual`, last written `ageS` seconds ago.
 */
function plant(file: string, pid: number, promised: Uint8Array, options: { actual?: Uint8Array; ageS?: number; threadId?: number; pidSpace?: string | null } = {}): string {
  const writer = { pid, threadId: options.threadId ?? 0, pidSpace: options.pidSpace === undefined ? currentIdentity().pidSpace : options.pidSpace };
  const path = formatTempName(file, writer, (nonce++).toString(16).padStart(8, '0'), promised);
  writeFileSync(path, options.actual ?? promised);
  age(path, options.ageS ?? 0);
  return path;
}

function age(path: string, seconds: number): void {
  const t = Date.now() / 1000 - seconds;
  utimesSync(path, t, t);
}

/** The target, last written `ageS` seconds ago. */
function target(dir: string, content: Uint8Array = OLD, ageS = 100): string {
  const file = join(dir, 'state.json');
  writeFileSync(file, content);
  age(file, ageS);
  return file;
}

const bytes = (path: string) => new Uint8Array(readFileSync(path));

/** An ELOCKED error for the lock at `path`. */
const lockedAt = (path: string) => (err: unknown) => isRacetrackError(err, 'ELOCKED') && err.details.path === path;

test(
  'with no orphans there is nothing to do, and no lock is left',
  inTempDir(async (dir) => {
    const file = target(dir);
    const report = await recover(file);
    assert.deepEqual(report, { target: file, deleted: [], kept: [], lockBroken: false, lockLeftovers: [] });
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  "a dead writer's torn temp is deleted and the target left as it was",
  inTempDir(async (dir) => {
    const file = target(dir);
    const torn = plant(file, DEAD_PID, NEW, { actual: NEW.subarray(0, 7) });
    const report = await recover(file);
    assert.deepEqual(report.deleted, [{ path: torn, why: 'writer-dead', proven: false }]);
    assert.deepEqual(bytes(file), OLD);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  "a live writer's young temp is kept; once old it is deleted",
  inTempDir(async (dir) => {
    const file = target(dir, OLD, 300);
    const me = currentIdentity();
    const otherThread = plant(file, me.pid, NEW, { actual: NEW.subarray(0, 3), threadId: me.threadId + 1 });
    const otherProcess = plant(file, process.ppid, NEW);
    const first = await recover(file);
    assert.deepEqual(
      first.kept,
      [otherThread, otherProcess].sort().map((path) => ({ path, why: 'in-progress', writer: 'alive' })),
    );
    assert.deepEqual(first.deleted, []);
    assert.ok(existsSync(otherThread) && existsSync(otherProcess));
    age(otherThread, 120);
    age(otherProcess, 120);
    const second = await recover(file);
    assert.deepEqual(second.kept, []);
    assert.deepEqual(
      second.deleted.map((d) => [d.path, d.why, d.proven]).sort(),
      [
        [otherThread, 'old', false],
        [otherProcess, 'old', true],
      ].sort(),
    );
    assert.deepEqual(bytes(file), OLD, 'the old, complete, newer temp is discarded, not published');
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  'complete temps are deleted, never published, however new: none was acknowledged',
  inTempDir(async (dir) => {
    const file = target(dir, OLD, 100);
    const older = plant(file, DEAD_PID, encoder.encode('older'), { ageS: 200 });
    const newer = plant(file, DEAD_PID, NEW, { ageS: 5 });
    const report = await recover(file);
    assert.deepEqual(
      report.deleted.map((d) => [d.path, d.why, d.proven]).sort(),
      [
        [older, 'writer-dead', true],
        [newer, 'writer-dead', true],
      ].sort(),
    );
    assert.deepEqual(bytes(file), OLD);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  'a complete temp is not published when the target is missing',
  inTempDir(async (dir) => {
    const file = join(dir, 'state.json');
    plant(file, DEAD_PID, NEW, { ageS: 500 });
    assert.deepEqual(
      (await recover(file)).deleted.map((d) => d.why),
      ['writer-dead'],
    );
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'the writer of a seed-named temp is unknown: kept while young, deleted once old, never published',
  inTempDir(async (dir) => {
    const file = target(dir);
    const seedTemp = `${file}.tmp.${DEAD_PID}`;
    writeFileSync(seedTemp, NEW);
    assert.deepEqual((await recover(file)).kept, [{ path: seedTemp, why: 'in-progress', writer: 'unknown' }]);
    age(seedTemp, 120);
    assert.deepEqual((await recover(file)).deleted, [{ path: seedTemp, why: 'old', proven: false }]);
    assert.deepEqual(bytes(file), OLD);
  }),
);

test(
  'a temp whose name carries another PID space is kept while young, although its pid is absent here',
  inTempDir(async (dir) => {
    const file = target(dir);
    // A writer in a container sharing the directory: its pid means nothing in our PID namespace.
    const foreign = plant(file, DEAD_PID, NEW, { pidSpace: 'another-boot:4026531836' });
    const unknownSpace = plant(file, DEAD_PID, NEW, { pidSpace: null });
    const report = await recover(file);
    assert.deepEqual(report.deleted, []);
    assert.deepEqual(
      report.kept,
      [foreign, unknownSpace].sort().map((path) => ({ path, why: 'in-progress', writer: 'unknown' })),
    );
    age(foreign, 120);
    assert.deepEqual((await recover(file)).deleted, [{ path: foreign, why: 'old', proven: true }]);
  }),
);

test(
  'a symlink or directory named like a temp is kept and not followed',
  inTempDir(async (dir) => {
    const file = target(dir);
    const decoy = join(dir, 'decoy');
    writeFileSync(decoy, NEW);
    const dead = { pid: DEAD_PID, threadId: 0, pidSpace: currentIdentity().pidSpace };
    const link = formatTempName(file, dead, 'aaaa', NEW);
    symlinkSync(decoy, link);
    const sub = formatTempName(file, dead, 'bbbb', NEW);
    mkdirSync(sub);
    const report = await recover(file, { minAgeMs: 0 });
    assert.deepEqual(
      report.kept,
      [link, sub].sort().map((path) => ({ path, why: 'not-a-regular-file', writer: 'dead' })),
    );
    assert.deepEqual(report.deleted, []);
    assert.deepEqual(bytes(file), OLD);
    assert.deepEqual(bytes(decoy), NEW);
    assert.ok(existsSync(link) && existsSync(sub));
  }),
);

test(
  'a stale lock left by a dead holder is broken and reported',
  inTempDir(async (dir) => {
    const file = target(dir);
    writeFileSync(`${file}.lock`, deadHolderRecord());
    const seen: string[] = [];
    const observer = { broke: (e: { reason: string | null }) => seen.push(`broke ${e.reason}`), acquired: () => seen.push('acquired'), released: () => seen.push('released') };
    const report = await recover(file, { lockOptions: { observer } });
    assert.equal(report.lockBroken, true);
    assert.deepEqual(seen, ['broke dead', 'acquired', 'released'], "the caller's observer still hears everything");
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  'after this thread crashed mid-write, recovery keeps the old content',
  inTempDir(async (dir) => {
    const file = target(dir);
    assert.throws(() => writeAtomic(file, NEW, {}, defaultDeps({ fs: faultyFs('tear', 'crash') })));
    const report = await recover(file);
    assert.deepEqual(
      report.deleted.map((d) => [d.why, d.proven]),
      [['this-thread', false]],
    );
    assert.deepEqual(bytes(file), OLD);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  'after this thread crashed just before its rename, recovery discards the complete temp: the write was never acknowledged',
  inTempDir(async (dir) => {
    const file = target(dir);
    assert.throws(() => writeAtomic(file, NEW, {}, defaultDeps({ fs: faultyFs('rename', 'crash') })));
    const report = await recover(file);
    assert.deepEqual(
      report.deleted.map((d) => [d.why, d.proven]),
      [['this-thread', true]],
    );
    assert.deepEqual(bytes(file), OLD);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  }),
);

test(
  'recovery of a Markdown registry takes the lock its claimers take, REGISTRY.lock',
  inTempDir(async (dir) => {
    const registry = join(dir, 'REGISTRY.md');
    writeFileSync(registry, '| Domain | Batch | Status |\n|---|---|---|\n| a.example | 001 | O |\n');
    const claimer = await acquireLock(join(dir, 'REGISTRY.lock'));
    try {
      await assert.rejects(recover(registry, { lockOptions: { wait: false } }), lockedAt(join(dir, 'REGISTRY.lock')));
    } finally {
      claimer.release();
    }
    assert.deepEqual((await recover(registry)).deleted, []);
    assert.deepEqual(readdirSync(dir), ['REGISTRY.md']);
  }),
);

test(
  'recovery of any other file takes <file>.lock, or the lockFile given',
  inTempDir(async (dir) => {
    const file = target(dir);
    const writer = await acquireLock(`${file}.lock`);
    try {
      await assert.rejects(recover(file, { lockOptions: { wait: false } }), lockedAt(`${file}.lock`));
      const other = join(dir, 'other.lock');
      assert.equal((await recover(file, { lockFile: other })).lockBroken, false);
      assert.equal(existsSync(other), false, 'the lock given was taken and released');
    } finally {
      writer.release();
    }
    await assert.rejects(recover(file, { lockFile: file }), { code: 'EINVALID' });
    assert.deepEqual(bytes(file), OLD);
  }),
);

test(
  'bad options and a missing directory are rejected without touching anything',
  inTempDir(async (dir) => {
    const file = target(dir);
    const temp = plant(file, DEAD_PID, NEW);
    await assert.rejects(recover(file, { minAgeMs: -1 }), { code: 'EINVALID' });
    await assert.rejects(recover(file, { minAgeMs: Number.NaN }), { code: 'EINVALID' });
    await assert.rejects(recover(join(dir, 'no', 'state.json')), { code: 'ENOTFOUND' });
    assert.deepEqual(readdirSync(dir).sort(), ['state.json', temp.slice(dir.length + 1)].sort());
  }),
);

test(
  'property: recovery never changes the target, whatever temps, complete or damaged, lie beside it',
  inTempDir(async (dir) => {
    let round = 0;
    const temp = fc.uint8Array({ minLength: 1, maxLength: 4000 }).chain((content) =>
      fc.oneof(
        fc.constant({ content, actual: content }),
        fc.nat(content.length - 1).map((cut) => ({ content, actual: content.slice(0, cut) })),
        fc.nat(content.length - 1).map((at) => {
          const actual = content.slice();
          actual[at] ^= 0x01;
          return { content, actual };
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(temp, fc.boolean(), async ({ content, actual }, targetExists) => {
        const sub = join(dir, `r${round++}`);
        mkdirSync(sub);
        const file = targetExists ? target(sub) : join(sub, 'state.json');
        plant(file, DEAD_PID, content, { actual });
        const report = await recover(file, { durable: false });
        assert.equal(report.deleted.length, 1);
        if (targetExists) assert.deepEqual(bytes(file), OLD);
        assert.deepEqual(readdirSync(sub), targetExists ? ['state.json'] : [], 'no temps remain');
      }),
      { numRuns: 80 },
    );
  }),
);

test(
  'recovery running beside 8 live writer threads never deletes their temps',
  inTempDir(async (dir) => {
    const file = join(dir, 'state.bin');
    writeFileSync(file, makePayload(999, 0, 16 * 1024));
    let done = false;
    const run = contendThreads('write-atomic-payload', { file, size: 16 * 1024 }, 8, 15);
    run.then(
      () => (done = true),
      () => (done = true),
    );
    const reports: RecoveryReport[] = [];
    while (!done) {
      reports.push(await recover(file, { durable: false }));
      assert.notEqual(payloadId(bytes(file)), null, 'the target is always one complete payload');
      // An uncontended recover settles in microtasks alone; yield so the workers' messages arrive.
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(failures(await run), [], 'no writer lost its temp');
    for (const r of reports) assert.deepEqual(r.deleted, []);
    assert.notEqual(payloadId(bytes(file)), null);
    assert.deepEqual(readdirSync(dir), ['state.bin']);
  }),
);
