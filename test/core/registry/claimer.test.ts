import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyClaim, selectClaim } from '../../../core/registry/claim-rules.ts';
import { lockFileFor } from '../../../core/lock/lock-path.ts';
import { DEFAULT_LEASE_MS, findNext, type FindNextOptions } from '../../../core/registry/claimer.ts';
import { defaultDeps, systemClock, type Deps } from '../../../core/deps.ts';
import { isRacetrackError } from '../../../core/errors.ts';
import { acquireLock } from '../../../core/lock/lock.ts';
import { readEntries } from '../../../core/registry/entries.ts';
import { parseRegistry, renderRegistry } from '../../../core/registry/table.ts';
import { registryFileArbitrary } from '../../fixtures/registry-arbitrary.ts';
import { registryText, uniformBatches, type FixtureBatch } from '../../fixtures/registry-text.ts';
import { inTempDir } from '../../support/tmp.ts';

const code = (expected: string) => (err: unknown) => isRacetrackError(err) && err.code === expected;

/** Deps whose wall clock reads `at.now` (ms), so a test can move time past a lease. */
function clockAt(at: { now: number }): Deps {
  return defaultDeps({ clock: { ...systemClock, now: () => at.now } });
}

function writeRegistry(dir: string, batches: readonly FixtureBatch[], text = registryText(batches)): string {
  const file = join(dir, 'REGISTRY.md');
  writeFileSync(file, text);
  return file;
}

const entries = (file: string) => readEntries(parseRegistry(readFileSync(file, 'utf8')));
const claim = (phase: 'design' | 'implement', owner: string, extra: Partial<FindNextOptions> = {}): FindNextOptions & { mode: 'batch' } => ({ ...extra, mode: 'batch', phase, claim: true, owner });

describe('findNext modes', () => {
  const mixed: FixtureBatch[] = [
    { batch: '001', status: 'Q', sites: ['q.example'] },
    { batch: '002', status: 'd', sites: ['d1.example', 'd2.example'], owner: 'alice', claimed: new Date().toISOString() },
    { batch: '003', status: 'B', sites: ['b1.example', 'b2.example'] },
    { batch: '004', status: 'O', sites: ['o.example'] },
    { batch: '', status: '-', sites: ['new.example'] },
  ];

  test(
    'status counts every status, zeros included, and takes no lock',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, mixed);
      const got = await findNext(file, { mode: 'status' });
      assert.deepEqual(got, { found: true, mode: 'status', counts: { '-': 1, B: 2, d: 2, D: 0, O: 1, i: 0, I: 0, Q: 1 }, total: 7, batches: 4 });
    }),
  );

  test(
    'a read-only batch look names the batch a claim would take and changes nothing',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, mixed);
      const before = readFileSync(file);
      const got = await findNext(file, { mode: 'batch', phase: 'design' });
      assert.deepEqual(got, {
        found: true,
        mode: 'batch',
        batch: '003',
        sites: ['b1.example', 'b2.example'],
        claimed: false,
        from: 'B',
        to: 'd',
        resumed: false,
        owner: '',
        claimedAt: null,
        previousOwner: '',
      });
      assert.deepEqual(readFileSync(file), before);
      assert.deepEqual(readdirSync(dir), ['REGISTRY.md']);
    }),
  );

  test(
    'a read-only look by the owner of a batch in progress offers it back',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, mixed);
      const got = await findNext(file, { mode: 'sites', phase: 'design', owner: 'alice' });
      assert.ok(got.found);
      assert.deepEqual([got.batch, got.sites, got.from, got.to, got.resumed, got.owner], ['002', ['d1.example', 'd2.example'], 'd', 'd', true, 'alice']);
    }),
  );

  test(
    'active finds the batch in progress, by phase and by owner',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, mixed);
      const got = await findNext(file, { mode: 'active' });
      assert.ok(got.found);
      assert.deepEqual([got.batch, got.status, got.owner, got.leaseExpired], ['002', 'd', 'alice', false]);
      assert.deepEqual(await findNext(file, { mode: 'active', phase: 'implement' }), { found: false, reason: 'no_work_found' });
      assert.deepEqual(await findNext(file, { mode: 'active', owner: 'bob' }), { found: false, reason: 'no_work_found' });
    }),
  );

  test(
    'sites mode claims the same batch as batch mode and lists its sites',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, mixed);
      const got = await findNext(file, { ...claim('implement', 'w1'), mode: 'sites' });
      assert.ok(got.found && got.mode === 'sites');
      assert.deepEqual([got.batch, got.sites, got.from, got.to, got.claimed], ['004', ['o.example'], 'O', 'i', true]);
    }),
  );

  test('the default lock file sits beside the registry, named after it', () => {
    assert.equal(lockFileFor('/r/.smbatcher/REGISTRY.md'), '/r/.smbatcher/REGISTRY.lock');
    assert.equal(lockFileFor('/r/sites.txt'), '/r/sites.txt.lock');
  });
});

describe('claims', () => {
  test(
    'Owner and Claimed columns are added to the header, alignment and every row of the table only',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, uniformBatches(2, 1, 'B'));
      const at = { now: Date.parse('2026-01-02T03:04:05.000Z') };
      await findNext(file, claim('design', 'w1'), clockAt(at));
      const lines = readFileSync(file, 'utf8').split('\n');
      assert.equal(lines[4], '| Domain | Batch | Status | Notes | Owner | Claimed |');
      assert.equal(lines[5], '|--------|-------|--------|-------|---|---|');
      assert.equal(lines[6], '| s001-0.example | 001 | d | note for s001-0.example | w1 | 2026-01-02T03:04:05.000Z |');
      assert.equal(lines[7], '| s002-0.example | 002 | B | note for s002-0.example | | |');
      assert.equal(lines[9], 'Edited by hand | sometimes.');
    }),
  );

  test(
    'the owner gets its own batch back, with a fresh claim time',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, uniformBatches(2, 1, 'B'));
      const at = { now: Date.parse('2026-01-01T00:00:00.000Z') };
      const first = await findNext(file, claim('design', 'alice'), clockAt(at));
      at.now += DEFAULT_LEASE_MS * 3;
      const again = await findNext(file, claim('design', 'alice'), clockAt(at));
      assert.ok(first.found && again.found);
      assert.deepEqual([again.batch, again.resumed, again.from, again.to, again.previousOwner], [first.batch, true, 'd', 'd', '']);
      assert.equal(entries(file)[0]!.claimedAt, at.now);
    }),
  );

  test(
    'a lease runs for exactly leaseMs; after it another owner takes the batch over',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, [{ batch: '001', status: 'O', sites: ['a.example'] }]);
      const at = { now: 1_000_000 };
      await findNext(file, claim('implement', 'alice', { leaseMs: 5000 }), clockAt(at));
      at.now += 4999;
      assert.equal((await findNext(file, claim('implement', 'bob', { leaseMs: 5000 }), clockAt(at))).found, false);
      at.now += 1;
      const got = await findNext(file, claim('implement', 'bob', { leaseMs: 5000 }), clockAt(at));
      assert.ok(got.found);
      assert.deepEqual([got.batch, got.from, got.to, got.owner, got.previousOwner], ['001', 'i', 'i', 'bob', 'alice']);
    }),
  );

  test(
    "a D → O claim keeps the batch its claimer's: only it moves the batch on to i",
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, [{ batch: '001', status: 'D', sites: ['a.example'] }]);
      assert.equal((await findNext(file, claim('implement', 'alice'))).found, true);
      assert.equal((await findNext(file, claim('implement', 'bob'))).found, false);
      const got = await findNext(file, claim('implement', 'alice'));
      assert.ok(got.found);
      assert.deepEqual([got.from, got.to], ['O', 'i']);
    }),
  );

  test(
    'a batch in progress with no recorded owner is handed to nobody',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, [
        { batch: '001', status: 'd', sites: ['a.example'] },
        { batch: '002', status: 'B', sites: ['b.example'] },
      ]);
      const got = await findNext(file, claim('design', 'bob'));
      assert.ok(got.found);
      assert.equal(got.batch, '002');
      assert.equal((await findNext(file, claim('design', 'carol'))).found, false);
    }),
  );

  test(
    'a batch with any row held by someone else is skipped whole',
    inTempDir(async (dir) => {
      const now = new Date().toISOString();
      const text = registryText([
        { batch: '001', status: 'B', sites: ['a.example'] },
        { batch: '001', status: 'd', sites: ['b.example'], owner: 'alice', claimed: now },
        { batch: '002', status: 'B', sites: ['c.example'] },
      ]);
      const file = writeRegistry(dir, [], text);
      const got = await findNext(file, claim('design', 'bob'));
      assert.ok(got.found);
      assert.equal(got.batch, '002');
    }),
  );

  test(
    'a claim waits for the lock; a read-only look does not take it',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, uniformBatches(1, 1, 'B'));
      const lock = await acquireLock(lockFileFor(file));
      try {
        assert.equal((await findNext(file, { mode: 'batch', phase: 'design' })).found, true);
        await assert.rejects(findNext(file, claim('design', 'w', { lockOptions: { wait: false } })), code('ELOCKED'));
      } finally {
        lock.release();
      }
      assert.deepEqual(readdirSync(dir), ['REGISTRY.md']);
    }),
  );

  test(
    'a custom lock file is used and removed',
    inTempDir(async (dir) => {
      const file = writeRegistry(dir, uniformBatches(1, 1, 'B'));
      const lockFile = join(dir, 'custom.lock');
      const lock = await acquireLock(lockFile);
      await assert.rejects(findNext(file, claim('design', 'w', { lockFile, lockOptions: { wait: false } })), code('ELOCKED'));
      lock.release();
      assert.equal((await findNext(file, claim('design', 'w', { lockFile }))).found, true);
      assert.equal(existsSync(lockFile), false);
    }),
  );
});

describe('bad input leaves every file as it was', () => {
  const cases: [string, (file: string, dir: string) => Promise<unknown>, string][] = [
    ['claim without owner', (f) => findNext(f, { mode: 'batch', phase: 'design', claim: true }), 'EINVALID'],
    ['batch mode without phase', (f) => findNext(f, { mode: 'batch' }), 'EINVALID'],
    ['unknown mode', (f) => findNext(f, { mode: 'next' as never, phase: 'design' }), 'EINVALID'],
    ['unknown phase', (f) => findNext(f, { mode: 'batch', phase: 'review' as never }), 'EINVALID'],
    ['claim in status mode', (f) => findNext(f, { mode: 'status', claim: true, owner: 'w' }), 'EINVALID'],
    ['zero lease', (f) => findNext(f, claim('design', 'w', { leaseMs: 0 })), 'EINVALID'],
    ['fractional lease', (f) => findNext(f, claim('design', 'w', { leaseMs: 1.5 })), 'EINVALID'],
    ['owner with a newline', (f) => findNext(f, claim('design', 'a\nb')), 'EINVALID'],
    ['owner with surrounding space', (f) => findNext(f, claim('design', ' a')), 'EINVALID'],
    ['lock file that is the registry', (f) => findNext(f, claim('design', 'w', { lockFile: f })), 'EINVALID'],
  ];
  for (const [name, run, expected] of cases) {
    test(
      `${name} → ${expected}`,
      inTempDir(async (dir) => {
        const file = writeRegistry(dir, uniformBatches(2, 1, 'B'));
        const before = readFileSync(file);
        await assert.rejects(run(file, dir), code(expected));
        assert.deepEqual(readFileSync(file), before);
        assert.deepEqual(readdirSync(dir), ['REGISTRY.md']);
      }),
    );
  }

  const badFiles: [string, (text: string) => string | Buffer, string][] = [
    ['missing Batch column', (t) => t.replace('| Batch |', '| Group |'), 'EINVALID'],
    ['no table at all', () => '# Registry\n\nnothing here\n', 'EINVALID'],
    ['an unknown status', (t) => t.replace('| 002 | B |', '| 002 | X |'), 'ECORRUPT'],
    ['a Claimed cell that is not a time', (t) => t.replace('note for s001-0.example |  |  |', 'note for s001-0.example | w | yesterday |'), 'ECORRUPT'],
    ['invalid UTF-8', (t) => Buffer.concat([Buffer.from(t), Buffer.from([0xff, 0xfe])]), 'ECORRUPT'],
  ];
  for (const [name, mutate, expected] of badFiles) {
    for (const withClaim of [false, true]) {
      test(
        `${name} → ${expected} (${withClaim ? 'claim' : 'read-only'})`,
        inTempDir(async (dir) => {
          const original = registryText(uniformBatches(2, 1, 'B'), { ownerColumns: true });
          const content = mutate(original);
          assert.notDeepEqual(content, original, 'the mutation applies');
          const file = join(dir, 'REGISTRY.md');
          writeFileSync(file, content);
          const before = readFileSync(file);
          await assert.rejects(findNext(file, withClaim ? claim('design', 'w') : { mode: 'batch', phase: 'design' }), code(expected));
          assert.deepEqual(readFileSync(file), before);
          assert.deepEqual(readdirSync(dir), ['REGISTRY.md']);
        }),
      );
    }
  }

  for (const withClaim of [false, true]) {
    test(
      `a missing registry → ENOTFOUND (${withClaim ? 'claim' : 'read-only'})`,
      inTempDir(async (dir) => {
        await assert.rejects(findNext(join(dir, 'REGISTRY.md'), withClaim ? claim('design', 'w') : { mode: 'status' }), code('ENOTFOUND'));
        assert.deepEqual(readdirSync(dir), []);
      }),
    );
  }
});

describe('properties', () => {
  test(
    'a claim on disk writes exactly the claimed table and leaves nothing beside it',
    inTempDir(async (dir) => {
      const file = join(dir, 'REGISTRY.md');
      await fc.assert(
        fc.asyncProperty(registryFileArbitrary, fc.constantFrom('design' as const, 'implement' as const), fc.constantFrom('alice', 'bob'), async (g, phase, owner) => {
          writeFileSync(file, g.text);
          const at = { now: Date.parse('2030-01-01T00:00:00.000Z') };
          const table = parseRegistry(g.text);
          const pick = selectClaim(readEntries(table), phase, { owner, now: at.now, leaseMs: DEFAULT_LEASE_MS });
          const got = await findNext(file, claim(phase, owner), clockAt(at));
          assert.equal(got.found, pick !== null);
          const expected = pick === null ? g.text : renderRegistry(applyClaim(table, pick, owner, new Date(at.now).toISOString()));
          assert.equal(readFileSync(file, 'utf8'), expected);
          assert.deepEqual(readdirSync(dir), ['REGISTRY.md']);
        }),
        { numRuns: 60 },
      );
    }),
  );
});
