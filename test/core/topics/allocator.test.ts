import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocateTopic, formatTopicNumber, highestTopicNumber } from '../../../core/topics/allocator.ts';
import { defaultDeps } from '../../../core/deps.ts';
import { isRacetrackError } from '../../../core/errors.ts';
import { createRealFs, type FsFacade } from '../../../core/fs-facade.ts';
import { acquireLock } from '../../../core/lock/lock.ts';
import { inRoot } from '../../contracts/allocator.contract.ts';

function withRoot(fn: (root: string, outer: string) => Promise<void>): () => Promise<void> {
  return () => inRoot(fn);
}

const code = (expected: string) => (err: unknown) => isRacetrackError(err) && err.code === expected;

/** The real fs with some calls replaced. */
function patchedFs(patch: Partial<FsFacade>): FsFacade {
  return { ...createRealFs(), ...patch };
}

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('topic numbers', () => {
  test('are zero-padded to three digits and grow past 999', () => {
    assert.deepEqual([1n, 7n, 42n, 999n, 1000n, 12345n].map(formatTopicNumber), ['001', '007', '042', '999', '1000', '12345']);
  });

  test('every NNN_ entry counts, including files and numbers too big for a double', () => {
    assert.equal(highestTopicNumber([]), 0n);
    assert.equal(highestTopicNumber(['001_a', '12_b', 'x', '0999_c', '998_d']), 999n);
    assert.equal(highestTopicNumber(['99999999999999999999_x']) + 1n, 100000000000000000000n);
  });
});

describe('allocateTopic', () => {
  test(
    '001 to 999 then 1000: padding follows the highest number',
    withRoot(async (root) => {
      assert.equal((await allocateTopic(root, 'a')).number, '001');
      mkdirSync(join(root, '099_b'));
      assert.equal((await allocateTopic(root, 'c')).number, '100');
      mkdirSync(join(root, '998_d'));
      assert.deepEqual([(await allocateTopic(root, 'e')).number, (await allocateTopic(root, 'f')).number], ['999', '1000']);
    }),
  );

  test(
    'a numbered file holds its number as a directory would',
    withRoot(async (root) => {
      writeFileSync(join(root, '004_notes.md'), 'x');
      assert.equal((await allocateTopic(root, 'notes.md')).number, '005');
    }),
  );

  test(
    'returns an absolute path even for a relative root',
    withRoot(async (root) => {
      const rel = relative(process.cwd(), root);
      assert.ok(!isAbsolute(rel));
      const got = await allocateTopic(rel, 'x');
      assert.equal(got.path, join(resolve(root), '001_x'));
    }),
  );

  test(
    'names that are empty, dot-dot, or hold separators, NUL or "|" are refused and nothing is created',
    withRoot(async (root, outer) => {
      for (const name of ['', '.', '..', '../x', 'x/..', 'a/b', '/', 'a\\b', 'x..y', 'nul\0byte', 'new\nline', 'a|b', '\ud800', 'x'.repeat(201)]) {
        await assert.rejects(allocateTopic(root, name), code('EINVALID'), JSON.stringify(name));
      }
      await assert.rejects(allocateTopic(root, 42 as unknown as string), code('EINVALID'));
      assert.deepEqual(readdirSync(root), [], 'no directory and no lock file');
      assert.deepEqual(readdirSync(outer), ['topics']);
    }),
  );

  test(
    'spaces and unicode are kept exactly, not rewritten',
    withRoot(async (root) => {
      const got = await allocateTopic(root, 'café au lait 🚀');
      assert.equal(basename(got.path), '001_café au lait 🚀');
      assert.ok(lstatSync(got.path).isDirectory());
    }),
  );

  test(
    'a missing root is ENOTFOUND and nothing is created',
    withRoot(async (_root, outer) => {
      await assert.rejects(allocateTopic(join(outer, 'nope'), 'x'), code('ENOTFOUND'));
      await assert.rejects(allocateTopic(join(outer, 'nope', 'deeper'), 'x'), code('ENOTFOUND'));
      assert.deepEqual(readdirSync(outer), ['topics']);
    }),
  );

  test(
    'a root that is a file is EINVALID',
    withRoot(async (_root, outer) => {
      writeFileSync(join(outer, 'file'), 'x');
      await assert.rejects(allocateTopic(join(outer, 'file'), 'x'), code('EINVALID'));
    }),
  );

  test(
    'a root that cannot be written is EIO and nothing changes',
    withRoot(async (root) => {
      const deps = defaultDeps({
        fs: patchedFs({
          openExclusive: () => {
            throw errno('EACCES');
          },
        }),
      });
      await assert.rejects(allocateTopic(root, 'x', {}, deps), code('EIO'));
      const mkdirDenied = defaultDeps({
        fs: patchedFs({
          mkdir: () => {
            throw errno('EACCES');
          },
        }),
      });
      await assert.rejects(allocateTopic(root, 'x', {}, mkdirDenied), code('EIO'));
      assert.deepEqual(readdirSync(root), [], 'the lock was released');
    }),
  );

  test(
    'a read-only root on the real file system is EIO',
    { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false },
    withRoot(async (root) => {
      chmodSync(root, 0o555);
      try {
        await assert.rejects(allocateTopic(root, 'x'), code('EIO'));
        assert.deepEqual(readdirSync(root), []);
      } finally {
        chmodSync(root, 0o755);
      }
    }),
  );

  test(
    'an EEXIST from mkdir is thrown, never skipped past',
    withRoot(async (root) => {
      mkdirSync(join(root, '001_x'));
      // A scan that misses 001_x stands for a writer that created it without the lock.
      const blind = defaultDeps({
        fs: patchedFs({
          readdir: (p) =>
            createRealFs()
              .readdir(p)
              .filter((e) => e !== '001_x'),
        }),
      });
      await assert.rejects(allocateTopic(root, 'x', {}, blind), (err: unknown) => isRacetrackError(err, 'EIO') && err.details.errno === 'EEXIST');
      assert.deepEqual(readdirSync(root), ['001_x'], 'nothing else created, lock released');
    }),
  );

  test(
    'a failed directory sync takes the new directory back',
    withRoot(async (root) => {
      const deps = defaultDeps({
        fs: patchedFs({
          fsyncDir: () => {
            throw errno('EIO');
          },
        }),
      });
      await assert.rejects(allocateTopic(root, 'x', {}, deps), code('EIO'));
      assert.deepEqual(readdirSync(root), []);
    }),
  );

  test(
    'a held lock with wait: false is ELOCKED and nothing is created',
    withRoot(async (root) => {
      const other = await acquireLock(join(root, '.topic_number.lock'));
      const held = readdirSync(root).sort(); // the lock and its record name
      try {
        await assert.rejects(allocateTopic(root, 'x', { lockOptions: { wait: false } }), code('ELOCKED'));
        assert.deepEqual(readdirSync(root).sort(), held);
      } finally {
        other.release();
      }
    }),
  );

  test(
    'a custom lock file is used instead of the one in the root',
    withRoot(async (root, outer) => {
      const lockFile = join(outer, 'alloc.lock');
      writeFileSync(join(outer, 'marker'), '');
      const got = await allocateTopic(root, 'x', { lockFile });
      assert.equal(got.number, '001');
      assert.equal(existsSync(lockFile), false, 'released');
      assert.deepEqual(readdirSync(root), ['001_x']);
    }),
  );

  test(
    'no generated name ever yields a path outside the root',
    withRoot(async (root, outer) => {
      const piece = fc.constantFrom('.', '..', '/', '\\', '\0', '|', ' ', 'a', 'é', '🚀', '\ud800', '\n', '~', '-');
      const names = fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'grapheme' }),
        fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
      );
      await fc.assert(
        fc.asyncProperty(names, async (name) => {
          const before = readdirSync(root).sort();
          try {
            const got = await allocateTopic(root, name, { durable: false });
            assert.equal(dirname(got.path), root);
            assert.equal(resolve(got.path), got.path, 'no . or .. segments');
            assert.equal(basename(got.path), `${got.number}_${name}`);
            assert.ok(readdirSync(root).includes(basename(got.path)), 'the directory on disk is the one returned');
          } catch (err) {
            if (!isRacetrackError(err, 'EINVALID')) throw err;
            assert.deepEqual(readdirSync(root).sort(), before, 'a refused name changes nothing');
          }
          assert.deepEqual(readdirSync(outer), ['topics'], 'nothing appears beside the root');
        }),
        { numRuns: 150 },
      );
    }),
  );
});
