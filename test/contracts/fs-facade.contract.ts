// The behaviour every FsFacade must show, so that what a primitive does on the simulated disk or
// through the crash-injecting wrapper is what it would do on the real file system. Run against
// all three in test/harness/sim/fs-facade.contract.test.ts (hono's one-suite-many-routers).
import assert from 'node:assert/strict';
import type { FsFacade } from '../../core/fs-facade.ts';
import type { ContractCase } from '../support/contract.ts';

/** A facade over a fresh, empty directory `root` (absolute), and how to throw it away. */
export interface FacadeUnderTest {
  readonly fs: FsFacade;
  readonly root: string;
  cleanup(): void;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? 'no code';
  }
  return undefined;
}

function put(fs: FsFacade, path: string, text: string): void {
  const fd = fs.openExclusive(path);
  try {
    fs.write(fd, enc.encode(text));
  } finally {
    fs.close(fd);
  }
}

const read = (fs: FsFacade, path: string) => dec.decode(fs.readFile(path));

/** The contract's cases for the facade `make` builds (a fresh one per case). */
export function fsFacadeContract(make: () => FacadeUnderTest): ContractCase[] {
  const inRoot = (fn: (fs: FsFacade, root: string) => void) => async () => {
    const t = make();
    try {
      fn(t.fs, t.root);
    } finally {
      t.cleanup();
    }
  };
  return [
    {
      id: 'open-exclusive',
      title: 'openExclusive creates an empty file once, EEXIST after, ENOENT/ENOTDIR for a bad parent',
      run: inRoot((fs, root) => {
        fs.close(fs.openExclusive(`${root}/a`));
        assert.equal(fs.lstat(`${root}/a`).size, 0);
        assert.equal(
          code(() => fs.openExclusive(`${root}/a`)),
          'EEXIST',
        );
        fs.mkdir(`${root}/d`);
        assert.equal(
          code(() => fs.openExclusive(`${root}/d`)),
          'EEXIST',
        );
        assert.equal(
          code(() => fs.openExclusive(`${root}/missing/x`)),
          'ENOENT',
        );
        assert.equal(
          code(() => fs.openExclusive(`${root}/a/x`)),
          'ENOTDIR',
        );
      }),
    },
    {
      id: 'write-read',
      title: 'writes land in order at the fd position and read back whole; a closed fd is EBADF',
      run: inRoot((fs, root) => {
        const fd = fs.openExclusive(`${root}/f`);
        fs.write(fd, enc.encode('hello '));
        fs.write(fd, enc.encode('world'));
        fs.write(fd, new Uint8Array());
        fs.fsync(fd);
        fs.close(fd);
        assert.equal(read(fs, `${root}/f`), 'hello world');
        assert.equal(fs.lstat(`${root}/f`).size, 11);
        assert.equal(
          code(() => fs.write(fd, enc.encode('x'))),
          'EBADF',
        );
        assert.equal(
          code(() => fs.fsync(fd)),
          'EBADF',
        );
        assert.equal(
          code(() => fs.close(fd)),
          'EBADF',
        );
      }),
    },
    {
      id: 'write-copies',
      title: 'a write takes the bytes as they were at the call',
      run: inRoot((fs, root) => {
        const data = enc.encode('abc');
        const fd = fs.openExclusive(`${root}/f`);
        fs.write(fd, data);
        data[0] = 0x7a;
        fs.close(fd);
        assert.equal(read(fs, `${root}/f`), 'abc');
      }),
    },
    {
      id: 'open-truncate',
      title: 'openTruncate empties an existing file, creates a missing one, and refuses a directory',
      run: inRoot((fs, root) => {
        put(fs, `${root}/f`, 'old content');
        const ino = fs.lstat(`${root}/f`).ino;
        const fd = fs.openTruncate(`${root}/f`);
        assert.equal(fs.lstat(`${root}/f`).size, 0);
        fs.write(fd, enc.encode('new'));
        fs.close(fd);
        assert.equal(read(fs, `${root}/f`), 'new');
        assert.equal(fs.lstat(`${root}/f`).ino, ino, 'the same file, not a new one');
        fs.close(fs.openTruncate(`${root}/g`));
        assert.equal(fs.lstat(`${root}/g`).size, 0);
        fs.mkdir(`${root}/d`);
        assert.equal(
          code(() => fs.openTruncate(`${root}/d`)),
          'EISDIR',
        );
      }),
    },
    {
      id: 'read-errors',
      title: 'readFile of a missing path is ENOENT, of a directory EISDIR, through a file ENOTDIR',
      run: inRoot((fs, root) => {
        assert.equal(
          code(() => fs.readFile(`${root}/nope`)),
          'ENOENT',
        );
        fs.mkdir(`${root}/d`);
        assert.equal(
          code(() => fs.readFile(`${root}/d`)),
          'EISDIR',
        );
        put(fs, `${root}/f`, 'x');
        assert.equal(
          code(() => fs.readFile(`${root}/f/g`)),
          'ENOTDIR',
        );
      }),
    },
    {
      id: 'rename-replaces',
      title: 'rename replaces the target with the source file, which keeps its inode',
      run: inRoot((fs, root) => {
        put(fs, `${root}/tmp`, 'new');
        put(fs, `${root}/target`, 'old');
        const ino = fs.lstat(`${root}/tmp`).ino;
        fs.rename(`${root}/tmp`, `${root}/target`);
        assert.equal(read(fs, `${root}/target`), 'new');
        assert.equal(fs.lstat(`${root}/target`).ino, ino);
        assert.equal(
          code(() => fs.lstat(`${root}/tmp`)),
          'ENOENT',
        );
        assert.deepEqual(fs.readdir(root).sort(), ['target']);
      }),
    },
    {
      id: 'rename-errors',
      title: 'rename: ENOENT for a missing source or target directory, EISDIR/ENOTDIR/ENOTEMPTY across kinds; onto itself does nothing',
      run: inRoot((fs, root) => {
        put(fs, `${root}/f`, 'x');
        fs.mkdir(`${root}/d`);
        fs.mkdir(`${root}/full`);
        put(fs, `${root}/full/x`, 'x');
        assert.equal(
          code(() => fs.rename(`${root}/nope`, `${root}/g`)),
          'ENOENT',
        );
        assert.equal(
          code(() => fs.rename(`${root}/f`, `${root}/missing/g`)),
          'ENOENT',
        );
        assert.equal(
          code(() => fs.rename(`${root}/f`, `${root}/d`)),
          'EISDIR',
        );
        assert.equal(
          code(() => fs.rename(`${root}/d`, `${root}/f`)),
          'ENOTDIR',
        );
        assert.equal(
          code(() => fs.rename(`${root}/d`, `${root}/full`)),
          'ENOTEMPTY',
        );
        fs.rename(`${root}/f`, `${root}/f`);
        assert.equal(read(fs, `${root}/f`), 'x');
        fs.mkdir(`${root}/e`);
        fs.rename(`${root}/d`, `${root}/e`);
        assert.deepEqual(fs.readdir(root).sort(), ['e', 'f', 'full']);
      }),
    },
    {
      id: 'rename-across-dirs',
      title: 'rename moves a file between directories',
      run: inRoot((fs, root) => {
        fs.mkdir(`${root}/a`);
        fs.mkdir(`${root}/b`);
        put(fs, `${root}/a/f`, 'moved');
        fs.rename(`${root}/a/f`, `${root}/b/g`);
        assert.deepEqual(fs.readdir(`${root}/a`), []);
        assert.equal(read(fs, `${root}/b/g`), 'moved');
      }),
    },
    {
      id: 'link',
      title: 'link gives a file a second name (same inode), never replaces (EEXIST), ENOENT without a source, EPERM for a directory',
      run: inRoot((fs, root) => {
        put(fs, `${root}/a`, 'shared');
        put(fs, `${root}/c`, 'other');
        assert.equal(fs.lstat(`${root}/a`).nlink, 1);
        fs.link(`${root}/a`, `${root}/b`);
        assert.equal(fs.lstat(`${root}/a`).ino, fs.lstat(`${root}/b`).ino);
        assert.equal(fs.lstat(`${root}/a`).nlink, 2, 'both names count');
        assert.notEqual(fs.lstat(`${root}/a`).ino, fs.lstat(`${root}/c`).ino);
        assert.equal(
          code(() => fs.link(`${root}/a`, `${root}/c`)),
          'EEXIST',
        );
        assert.equal(read(fs, `${root}/c`), 'other');
        assert.equal(
          code(() => fs.link(`${root}/nope`, `${root}/d`)),
          'ENOENT',
        );
        fs.mkdir(`${root}/dir`);
        assert.equal(
          code(() => fs.link(`${root}/dir`, `${root}/dir2`)),
          'EPERM',
        );
        fs.unlink(`${root}/a`);
        assert.equal(read(fs, `${root}/b`), 'shared');
        assert.equal(fs.lstat(`${root}/b`).nlink, 1);
      }),
    },
    {
      id: 'fchmod-fchown',
      title: "fchmod sets the exact permission bits (no umask), fchown to the file's own owner is allowed, both are EBADF on a closed fd",
      run: inRoot((fs, root) => {
        const fd = fs.openExclusive(`${root}/f`);
        fs.fchmod(fd, 0o600);
        assert.equal(fs.lstat(`${root}/f`).mode, 0o600);
        fs.fchmod(fd, 0o4751);
        assert.equal(fs.lstat(`${root}/f`).mode & 0o777, 0o751, 'permission bits as given');
        const { uid, gid } = fs.lstat(`${root}/f`);
        fs.fchown(fd, uid, gid);
        assert.deepEqual([fs.lstat(`${root}/f`).uid, fs.lstat(`${root}/f`).gid], [uid, gid]);
        fs.close(fd);
        assert.equal(
          code(() => fs.fchmod(fd, 0o644)),
          'EBADF',
        );
        assert.equal(
          code(() => fs.fchown(fd, uid, gid)),
          'EBADF',
        );
      }),
    },
    {
      id: 'unlink',
      title: 'unlink removes a name; ENOENT when missing; EISDIR for a directory',
      run: inRoot((fs, root) => {
        put(fs, `${root}/f`, 'x');
        fs.unlink(`${root}/f`);
        assert.equal(
          code(() => fs.lstat(`${root}/f`)),
          'ENOENT',
        );
        assert.equal(
          code(() => fs.unlink(`${root}/f`)),
          'ENOENT',
        );
        fs.mkdir(`${root}/d`);
        assert.equal(
          code(() => fs.unlink(`${root}/d`)),
          'EISDIR',
        );
      }),
    },
    {
      id: 'open-fd-survives-unlink',
      title: 'a file unlinked while open can still be written and closed',
      run: inRoot((fs, root) => {
        const fd = fs.openExclusive(`${root}/f`);
        fs.unlink(`${root}/f`);
        fs.write(fd, enc.encode('gone'));
        fs.close(fd);
        assert.deepEqual(fs.readdir(root), []);
      }),
    },
    {
      id: 'mkdir-rmdir',
      title: 'mkdir is not recursive (EEXIST, ENOENT); rmdir refuses a non-empty directory (ENOTEMPTY), a file (ENOTDIR), a missing one (ENOENT)',
      run: inRoot((fs, root) => {
        fs.mkdir(`${root}/d`);
        assert.equal(fs.lstat(`${root}/d`).isDirectory, true);
        assert.equal(
          code(() => fs.mkdir(`${root}/d`)),
          'EEXIST',
        );
        assert.equal(
          code(() => fs.mkdir(`${root}/x/y`)),
          'ENOENT',
        );
        put(fs, `${root}/d/f`, 'x');
        assert.equal(
          code(() => fs.rmdir(`${root}/d`)),
          'ENOTEMPTY',
        );
        assert.equal(
          code(() => fs.rmdir(`${root}/d/f`)),
          'ENOTDIR',
        );
        fs.unlink(`${root}/d/f`);
        fs.rmdir(`${root}/d`);
        assert.equal(
          code(() => fs.rmdir(`${root}/d`)),
          'ENOENT',
        );
      }),
    },
    {
      id: 'readdir',
      title: 'readdir lists the names (not . or ..); ENOENT when missing, ENOTDIR for a file',
      run: inRoot((fs, root) => {
        assert.deepEqual(fs.readdir(root), []);
        put(fs, `${root}/b`, '');
        fs.mkdir(`${root}/a`);
        assert.deepEqual(fs.readdir(root).sort(), ['a', 'b']);
        assert.equal(
          code(() => fs.readdir(`${root}/nope`)),
          'ENOENT',
        );
        assert.equal(
          code(() => fs.readdir(`${root}/b`)),
          'ENOTDIR',
        );
      }),
    },
    {
      id: 'lstat',
      title: 'lstat tells files from directories, never reports a symlink here, and moves mtime forward on a write',
      run: inRoot((fs, root) => {
        put(fs, `${root}/f`, 'abc');
        const f = fs.lstat(`${root}/f`);
        assert.deepEqual([f.isFile, f.isDirectory, f.isSymbolicLink, f.size], [true, false, false, 3]);
        const d = fs.lstat(root);
        assert.deepEqual([d.isFile, d.isDirectory, d.isSymbolicLink], [false, true, false]);
        const fd = fs.openTruncate(`${root}/f`);
        fs.write(fd, enc.encode('abcd'));
        fs.close(fd);
        assert.ok(fs.lstat(`${root}/f`).mtimeMs >= f.mtimeMs);
        assert.equal(
          code(() => fs.lstat(`${root}/nope`)),
          'ENOENT',
        );
        assert.equal(
          code(() => fs.lstat(`${root}/f/x`)),
          'ENOTDIR',
        );
      }),
    },
    {
      id: 'fsync-dir',
      title: 'fsyncDir accepts a directory and reports ENOENT for a missing one',
      run: inRoot((fs, root) => {
        fs.fsyncDir(root);
        assert.equal(
          code(() => fs.fsyncDir(`${root}/nope`)),
          'ENOENT',
        );
      }),
    },
    {
      id: 'lock-break-moves',
      title: "the core's break sequence works: rename aside, look, link back without replacing, unlink",
      run: inRoot((fs, root) => {
        put(fs, `${root}/x.lock`, 'holder-1');
        fs.rename(`${root}/x.lock`, `${root}/x.lock.broken.t`);
        put(fs, `${root}/x.lock`, 'holder-2');
        assert.equal(
          code(() => fs.link(`${root}/x.lock.broken.t`, `${root}/x.lock`)),
          'EEXIST',
        );
        fs.unlink(`${root}/x.lock.broken.t`);
        assert.equal(read(fs, `${root}/x.lock`), 'holder-2');
        assert.deepEqual(fs.readdir(root), ['x.lock']);
      }),
    },
  ];
}
