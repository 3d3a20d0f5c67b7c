// The behaviour every atomic-write implementation must show, judged only by what is on disk: run
// against every registered system under test that writes, the core and, through the same suite,
// the known-broken controls (write in place, pid-only temp name), which must fail the cases their
// bug breaks (test/contracts/expected-failures.ts names them).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { defaultDeps } from '../../core/deps.ts';
import type { Sut } from '../../scenarios/suts/sut.ts';
import { makePayload, payloadId } from '../fixtures/payload.ts';
import { contendProcesses, contendThreads, failures, okValues } from '../support/contend.ts';
import type { ContractCase } from '../support/contract.ts';
import { faultyFs, type FaultMode } from '../support/faulty-fs.ts';
import { withTempDir } from '../support/tmp.ts';
import type { OpOutcome } from '../fixtures/contender.ts';

const PAYLOAD_SIZE = 64 * 1024;

function assertAlone(file: string, why = 'nothing is left beside the target'): void {
  assert.deepEqual(readdirSync(join(file, '..')), [basename(file)], why);
}

/**
 * Runs `contend` while this thread keeps reading the target; every read must be one complete
 * payload (the target is never missing, empty, torn or mixed). Then checks that every write
 * succeeded, the target holds one of the written payloads, and nothing is left beside it.
 */
async function contendAndRead(file: string, contend: () => Promise<OpOutcome[][]>, expected: number): Promise<void> {
  writeFileSync(file, makePayload(999, 0, PAYLOAD_SIZE));
  let done = false;
  const run = contend();
  run.then(
    () => (done = true),
    () => (done = true),
  );
  const bad: string[] = [];
  while (!done) {
    let bytes: Uint8Array | null = null;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      bad.push(`read failed: ${(err as Error).message}`);
    }
    if (bytes !== null && payloadId(bytes) === null) bad.push(`torn or mixed read of ${bytes.length} bytes`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const results = await run;
  assert.deepEqual(failures(results), [], 'every write succeeded');
  const written = okValues(results) as string[];
  assert.equal(new Set(written).size, expected);
  assert.deepEqual(bad.slice(0, 5), [], 'every read saw one complete payload');
  const final = payloadId(readFileSync(file));
  assert.ok(final !== null && written.includes(final), `the target holds exactly one writer's payload (got ${final})`);
  assertAlone(file);
}

/** The atomic-write contract's cases for `sut`, whose contenders run test/fixtures/ops/write-atomic-payload. */
export function atomicWriteContract(sut: Sut): ContractCase[] {
  const { name } = sut;
  const write = (file: string, data: Uint8Array, deps = defaultDeps()) => sut.write!(file, data, { lockOptions: {}, deps });
  const interrupted = (mode: FaultMode) => (dir: string) => {
    const file = join(dir, 'state.md');
    const old = makePayload(1, 0, 1000);
    writeFileSync(file, old);
    return write(file, makePayload(2, 0, 1000), defaultDeps({ fs: faultyFs('tear', mode) })).then(
      () => assert.fail('the interrupted write reported success'),
      () => assert.deepEqual(new Uint8Array(readFileSync(file)), old, 'the target still holds exactly the old content'),
    );
  };
  return [
    {
      id: 'creates',
      title: 'a completed write creates the target holding exactly the data, and nothing beside it',
      run: () =>
        withTempDir(async (dir) => {
          const file = join(dir, 'state.json');
          const data = makePayload(1, 1, 5000);
          await write(file, data);
          assert.deepEqual(new Uint8Array(readFileSync(file)), data);
          assertAlone(file);
        }),
    },
    {
      id: 'replaces',
      title: 'a completed write replaces the old content with exactly the new, and nothing beside it',
      run: () =>
        withTempDir(async (dir) => {
          const file = join(dir, 'state.json');
          writeFileSync(file, 'x'.repeat(10000));
          await write(file, new TextEncoder().encode('short'));
          assert.equal(readFileSync(file, 'utf8'), 'short');
          assertAlone(file);
        }),
    },
    {
      id: 'sequence',
      title: 'after any sequence of writes the target holds the last one, and nothing beside it',
      run: () =>
        withTempDir(async (dir) => {
          let round = 0;
          await fc.assert(
            fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 6 }), async (contents) => {
              const file = join(dir, `f${round++}`);
              for (const data of contents) await write(file, data);
              assert.deepEqual(new Uint8Array(readFileSync(file)), contents.at(-1));
              assert.deepEqual(
                readdirSync(dir).filter((e) => e.startsWith(`${basename(file)}.`)),
                [],
                'no temps remain',
              );
            }),
            { numRuns: 40 },
          );
        }),
    },
    {
      id: 'failed-write',
      title: 'a write that fails midway (ENOSPC) leaves the old content and nothing beside it',
      run: () =>
        withTempDir(async (dir) => {
          await interrupted('fail')(dir);
          assertAlone(join(dir, 'state.md'));
        }),
    },
    {
      id: 'crash-mid-write',
      title: 'a crash midway through the write leaves the old content intact',
      run: () => withTempDir(interrupted('crash')),
    },
    {
      id: 'missing-directory',
      title: 'a write into a missing directory fails and creates nothing',
      run: () =>
        withTempDir(async (dir) => {
          await assert.rejects(write(join(dir, 'nope', 'state.json'), new Uint8Array([1])));
          assert.equal(existsSync(join(dir, 'nope')), false);
          assert.deepEqual(readdirSync(dir), []);
        }),
    },
    {
      id: 'threads-concurrent',
      title: '8 worker threads writing distinct payloads: every read and the result is one complete payload',
      run: () =>
        withTempDir((dir) => {
          const file = join(dir, 'state.bin');
          return contendAndRead(file, () => contendThreads('write-atomic-payload', { file, impl: name, size: PAYLOAD_SIZE }, 8, 12), 96);
        }),
    },
    {
      id: 'processes-concurrent',
      title: '4 child processes writing distinct payloads: every read and the result is one complete payload',
      run: () =>
        withTempDir((dir) => {
          const file = join(dir, 'state.bin');
          return contendAndRead(file, () => contendProcesses('write-atomic-payload', { file, impl: name, size: PAYLOAD_SIZE }, 4, 12), 48);
        }),
    },
  ];
}
