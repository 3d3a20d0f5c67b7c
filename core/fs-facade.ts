import * as nodeFs from 'node:fs';

/** What `lstat` reports: enough to judge a lock's age and identity and to tell files from dirs. */
export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly isSymbolicLink: boolean;
  /** How many names the inode has (a lock file and its record name share one). */
  readonly nlink: number;
  /** Permission bits (`st_mode & 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/**
 * The file-system calls the core makes, and nothing else. Every primitive takes one of these, so
 * the harness can wrap it: stop the world before or after any call (crash points), tear a write
 * after k bytes, or answer from a simulated disk that forgets what was never fsynced.
 *
 * All calls are synchronous: each primitive's critical section is a few small calls, and a
 * synchronous facade keeps crash points deterministic (nothing interleaves inside one worker).
 * Paths are never followed through a final symlink where the call creates or opens a lock or a
 * temp: `openExclusive` uses O_EXCL, and `readFile` opens with O_NOFOLLOW.
 */
export interface FsFacade {
  /** Creates `path` with O_CREAT|O_EXCL|O_WRONLY (mode 0o644): EEXIST if anything is there. */
  openExclusive(path: string): number;
  /** Opens an existing file for writing, truncating it (used only by known-broken controls). */
  openTruncate(path: string): number;
  /** Writes all of `data` at the fd's current position. */
  write(fd: number, data: Uint8Array): void;
  fsync(fd: number): void;
  /** Sets the permission bits of an open file exactly (no umask). */
  fchmod(fd: number, mode: number): void;
  /** Sets the owner and group of an open file (EPERM unless privileged). */
  fchown(fd: number, uid: number, gid: number): void;
  close(fd: number): void;
  /** Reads a whole file without following a final symlink (ELOOP if it is one). */
  readFile(path: string): Uint8Array;
  rename(from: string, to: string): void;
  /** Makes `to` a second name for `from`; EEXIST if `to` exists. Never replaces anything. */
  link(from: string, to: string): void;
  unlink(path: string): void;
  /** Creates one directory; EEXIST if it exists, ENOENT if its parent does not. Not recursive. */
  mkdir(path: string): void;
  rmdir(path: string): void;
  readdir(path: string): string[];
  lstat(path: string): FileStat;
  /** Flushes a directory's entries (creates, renames, unlinks) to disk. */
  fsyncDir(path: string): void;
  /**
   * Optional: calls `onChange` when the file at `path` is removed, renamed or changed, or, for a
   * directory, when an entry comes or goes (inotify on Linux), so a lock waiter can retry the
   * moment the lock is freed instead of sleeping out its backoff. Throws ENOENT if `path` does not
   * exist. A facade without it (a simulated disk) makes waiters poll.
   */
  watch?(path: string, onChange: () => void): { close(): void };
}

const { constants } = nodeFs;
const EXCLUSIVE = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY;
const TRUNCATE = constants.O_CREAT | constants.O_TRUNC | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);
const READ_NOFOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

function toStat(s: nodeFs.Stats): FileStat {
  return {
    size: s.size,
    mtimeMs: s.mtimeMs,
    ino: s.ino,
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isSymbolicLink: s.isSymbolicLink(),
    nlink: s.nlink,
    mode: s.mode & 0o7777,
    uid: s.uid,
    gid: s.gid,
  };
}

/** The real file system, through `node:fs` (which Deno provides too). */
export function createRealFs(): FsFacade {
  return {
    openExclusive: (path) => nodeFs.openSync(path, EXCLUSIVE, 0o644),
    openTruncate: (path) => nodeFs.openSync(path, TRUNCATE, 0o644),
    write(fd, data) {
      let off = 0;
      while (off < data.length) off += nodeFs.writeSync(fd, data, off, data.length - off);
    },
    fsync: (fd) => nodeFs.fsyncSync(fd),
    fchmod: (fd, mode) => nodeFs.fchmodSync(fd, mode),
    fchown: (fd, uid, gid) => nodeFs.fchownSync(fd, uid, gid),
    close: (fd) => nodeFs.closeSync(fd),
    readFile(path) {
      const fd = nodeFs.openSync(path, READ_NOFOLLOW);
      try {
        return nodeFs.readFileSync(fd);
      } finally {
        nodeFs.closeSync(fd);
      }
    },
    rename: (from, to) => nodeFs.renameSync(from, to),
    link: (from, to) => nodeFs.linkSync(from, to),
    unlink: (path) => nodeFs.unlinkSync(path),
    mkdir: (path) => nodeFs.mkdirSync(path),
    rmdir: (path) => nodeFs.rmdirSync(path),
    readdir: (path) => nodeFs.readdirSync(path),
    lstat: (path) => toStat(nodeFs.lstatSync(path)),
    fsyncDir(path) {
      const fd = nodeFs.openSync(path, constants.O_RDONLY);
      try {
        nodeFs.fsyncSync(fd);
      } finally {
        nodeFs.closeSync(fd);
      }
    },
    watch(path, onChange) {
      const watcher = nodeFs.watch(path, { persistent: false }, () => onChange());
      watcher.on('error', () => watcher.close());
      return { close: () => watcher.close() };
    },
  };
}
