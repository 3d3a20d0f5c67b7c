import { posix } from 'node:path';
import type { FileStat, FsFacade } from '../../core/fs-facade.ts';
import { simError } from './sim-errors.ts';
import { applyOp, cloneImage, DEFAULT_META, emptyImage, opKey, ROOT_INO, type DiskOp, type SimDir, type SimImage, type SimMeta, type SimNode } from './sim-image.ts';

/** An op in the disk's log: which fs call made it, and which later sync made it durable. */
export interface LoggedOp {
  readonly op: DiskOp;
  readonly key: string | null;
  /** Index of the facade call that made it (calls are counted from the last checkpoint). */
  readonly call: number;
  /** Index of the fsync/fsyncDir call that made it durable, or null while it is not. */
  durableAt: number | null;
}

interface OpenFile {
  readonly ino: number;
  pos: number;
}

/**
 * An in-memory disk behind the FsFacade, with POSIX semantics good enough for the core (EEXIST,
 * ENOENT, ENOTDIR, EISDIR, ENOTEMPTY, EBADF as errors with `.code`), that keeps what is durable
 * apart from what is only in the page cache.
 *
 * Running processes see the live image. Every change is also logged with the call that made it;
 * `fsync(fd)` makes the file's logged data changes durable, `fsyncDir(dir)` the directory's logged
 * entry changes (creates, links, renames into it, unlinks). Nothing else is durable: this is the
 * adversarial model {@link enumerateCrashStates} (power-loss.ts) explores after a power loss.
 */
export class SimDisk {
  private live: SimImage;
  private durableBase: SimImage;
  private readonly entries: LoggedOp[] = [];
  private readonly fds = new Map<number, OpenFile>();
  private nextIno: number;
  private nextFd = 3;
  private callCount = 0;
  private readonly now: () => number;

  /** `now` stamps mtimes (wall-clock ms); pass the clock the primitives use. */
  constructor(now: () => number = () => Date.now(), image: SimImage = emptyImage(now())) {
    this.now = now;
    this.live = cloneImage(image);
    this.durableBase = cloneImage(image);
    this.nextIno = Math.max(ROOT_INO, ...image.keys()) + 1;
  }

  /** The log since the last checkpoint, in order. */
  get log(): readonly LoggedOp[] {
    return this.entries;
  }

  /** What was durable at the last checkpoint. */
  get base(): SimImage {
    return this.durableBase;
  }

  /** How many facade calls were made since the last checkpoint. */
  get calls(): number {
    return this.callCount;
  }

  /** A copy of what running processes see now (what survives a process crash without power loss). */
  snapshot(): SimImage {
    return cloneImage(this.live);
  }

  /** Makes everything durable (as after `sync`): the log and the call count start over. */
  checkpoint(): void {
    this.durableBase = cloneImage(this.live);
    this.entries.length = 0;
    this.callCount = 0;
  }

  /** The facade the primitives get. Each call counts, failed ones included. */
  facade(): FsFacade {
    const call =
      <A extends unknown[], R>(fn: (...args: A) => R) =>
      (...args: A): R => {
        this.callCount++;
        return fn(...args);
      };
    return {
      openExclusive: call((path: string) => this.openExclusive(path)),
      openTruncate: call((path: string) => this.openTruncate(path)),
      write: call((fd: number, data: Uint8Array) => this.write(fd, data)),
      fsync: call((fd: number) => this.sync(`file:${this.open(fd, 'fsync').ino}`)),
      fchmod: call((fd: number, mode: number) => this.setMeta(fd, 'fchmod', { mode: mode & 0o7777 })),
      fchown: call((fd: number, uid: number, gid: number) => this.setMeta(fd, 'fchown', { uid, gid })),
      close: call((fd: number) => {
        this.open(fd, 'close');
        this.fds.delete(fd);
      }),
      readFile: call((path: string) => this.readFile(path)),
      rename: call((from: string, to: string) => this.rename(from, to)),
      link: call((from: string, to: string) => this.link(from, to)),
      unlink: call((path: string) => this.unlink(path)),
      mkdir: call((path: string) => this.mkdir(path)),
      rmdir: call((path: string) => this.rmdir(path)),
      readdir: call((path: string) => this.readdir(path)),
      lstat: call((path: string) => this.lstat(path)),
      fsyncDir: call((path: string) => {
        const ino = this.lookup(path, 'fsync');
        this.sync(`${this.live.get(ino)!.kind === 'dir' ? 'dir' : 'file'}:${ino}`);
      }),
    };
  }

  private record(op: DiskOp): void {
    applyOp(this.live, op);
    this.entries.push({ op, key: opKey(op), call: this.callCount - 1, durableAt: null });
  }

  private sync(key: string): void {
    for (const e of this.entries) if (e.key === key && e.durableAt === null) e.durableAt = this.callCount - 1;
  }

  private dir(ino: number): SimDir {
    return this.live.get(ino) as SimDir;
  }

  /** Splits an absolute path into its parent directory's inode and its last name ('' for `/`). */
  private parent(path: string, syscall: string): { dir: number; name: string; path: string } {
    const raw = String(path);
    // Most paths are absolute and already normal; only the others pay for posix.resolve.
    const norm = raw.startsWith('/') && !/\/\.{0,2}(\/|$)|\/\//.test(raw) ? raw : posix.resolve('/', raw);
    const parts = norm.split('/').filter((p) => p.length > 0);
    let ino = ROOT_INO;
    for (const part of parts.slice(0, -1)) {
      const node = this.live.get(ino);
      if (node?.kind !== 'dir') throw simError('ENOTDIR', syscall, path);
      const next = node.entries.get(part);
      if (next === undefined) throw simError('ENOENT', syscall, path);
      ino = next;
    }
    if (this.live.get(ino)?.kind !== 'dir') throw simError('ENOTDIR', syscall, path);
    return { dir: ino, name: parts.at(-1) ?? '', path: norm };
  }

  private lookup(path: string, syscall: string): number {
    const { dir, name } = this.parent(path, syscall);
    if (name === '') return ROOT_INO;
    const ino = this.dir(dir).entries.get(name);
    if (ino === undefined) throw simError('ENOENT', syscall, path);
    return ino;
  }

  private node(ino: number): SimNode {
    return this.live.get(ino)!;
  }

  private open(fd: number, syscall: string): OpenFile {
    const f = this.fds.get(fd);
    if (f === undefined) throw simError('EBADF', syscall);
    return f;
  }

  private newFd(ino: number): number {
    const fd = this.nextFd++;
    this.fds.set(fd, { ino, pos: 0 });
    return fd;
  }

  private create(dir: number, name: string, node: 'file' | 'dir'): number {
    const ino = this.nextIno++;
    const mtimeMs = this.now();
    this.record({ kind: 'create', ino, node, mtimeMs });
    this.record({ kind: 'link', dir, name, ino, mtimeMs });
    return ino;
  }

  private openExclusive(path: string): number {
    const { dir, name } = this.parent(path, 'open');
    if (name === '' || this.dir(dir).entries.has(name)) throw simError('EEXIST', 'open', path);
    return this.newFd(this.create(dir, name, 'file'));
  }

  private openTruncate(path: string): number {
    const { dir, name } = this.parent(path, 'open');
    const existing = name === '' ? ROOT_INO : this.dir(dir).entries.get(name);
    if (existing === undefined) return this.newFd(this.create(dir, name, 'file'));
    const node = this.node(existing);
    if (node.kind === 'dir') throw simError('EISDIR', 'open', path);
    if (node.data.length > 0) this.record({ kind: 'truncate', ino: existing, size: 0, mtimeMs: this.now() });
    return this.newFd(existing);
  }

  private write(fd: number, data: Uint8Array): void {
    const f = this.open(fd, 'write');
    if (data.length === 0) return;
    this.record({ kind: 'write', ino: f.ino, offset: f.pos, bytes: data.slice(), mtimeMs: this.now() });
    f.pos += data.length;
  }

  private setMeta(fd: number, syscall: string, change: Partial<SimMeta>): void {
    const f = this.open(fd, syscall);
    const node = this.node(f.ino);
    if (node.kind !== 'file') throw simError('EISDIR', syscall);
    this.record({ kind: 'meta', ino: f.ino, meta: { ...node.meta, ...change } });
  }

  private readFile(path: string): Uint8Array {
    const node = this.node(this.lookup(path, 'open'));
    if (node.kind === 'dir') throw simError('EISDIR', 'read');
    return node.data.slice();
  }

  private isWithin(ino: number, ancestor: number): boolean {
    // Directories form a tree, so a walk from the root finds whether `ino` lies under `ancestor`.
    const walk = (at: number): boolean => {
      if (at === ino) return true;
      const node = this.live.get(at);
      return node?.kind === 'dir' && [...node.entries.values()].some((child) => walk(child));
    };
    return walk(ancestor);
  }

  private rename(from: string, to: string): void {
    const src = this.parent(from, 'rename');
    const ino = src.name === '' ? undefined : this.dir(src.dir).entries.get(src.name);
    if (ino === undefined) throw simError(src.name === '' ? 'EBUSY' : 'ENOENT', 'rename', from, to);
    let dst: { dir: number; name: string };
    try {
      dst = this.parent(to, 'rename');
    } catch (err) {
      throw simError((err as { code: string }).code, 'rename', from, to);
    }
    if (dst.name === '') throw simError('EBUSY', 'rename', from, to);
    const existing = this.dir(dst.dir).entries.get(dst.name);
    if (existing === ino) return; // two names of one file: POSIX says do nothing
    const moving = this.node(ino);
    if (moving.kind === 'dir' && this.isWithin(dst.dir, ino)) throw simError('EINVAL', 'rename', from, to);
    if (existing !== undefined) {
      const target = this.node(existing);
      if (moving.kind === 'file' && target.kind === 'dir') throw simError('EISDIR', 'rename', from, to);
      if (moving.kind === 'dir' && target.kind === 'file') throw simError('ENOTDIR', 'rename', from, to);
      if (target.kind === 'dir' && target.entries.size > 0) throw simError('ENOTEMPTY', 'rename', from, to);
    }
    this.record({ kind: 'rename', fromDir: src.dir, fromName: src.name, toDir: dst.dir, toName: dst.name, ino, mtimeMs: this.now() });
  }

  private link(from: string, to: string): void {
    let ino: number;
    try {
      ino = this.lookup(from, 'link');
    } catch (err) {
      throw simError((err as { code: string }).code, 'link', from, to);
    }
    if (this.node(ino).kind === 'dir') throw simError('EPERM', 'link', from, to);
    let dst: { dir: number; name: string };
    try {
      dst = this.parent(to, 'link');
    } catch (err) {
      throw simError((err as { code: string }).code, 'link', from, to);
    }
    if (dst.name === '' || this.dir(dst.dir).entries.has(dst.name)) throw simError('EEXIST', 'link', from, to);
    this.record({ kind: 'link', dir: dst.dir, name: dst.name, ino, mtimeMs: this.now() });
  }

  private unlink(path: string): void {
    const { dir, name } = this.parent(path, 'unlink');
    if (name === '') throw simError('EISDIR', 'unlink', path);
    const ino = this.dir(dir).entries.get(name);
    if (ino === undefined) throw simError('ENOENT', 'unlink', path);
    if (this.node(ino).kind === 'dir') throw simError('EISDIR', 'unlink', path);
    this.record({ kind: 'unlink', dir, name, mtimeMs: this.now() });
  }

  private mkdir(path: string): void {
    const { dir, name } = this.parent(path, 'mkdir');
    if (name === '' || this.dir(dir).entries.has(name)) throw simError('EEXIST', 'mkdir', path);
    this.create(dir, name, 'dir');
  }

  private rmdir(path: string): void {
    const { dir, name } = this.parent(path, 'rmdir');
    if (name === '') throw simError('EBUSY', 'rmdir', path);
    const ino = this.dir(dir).entries.get(name);
    if (ino === undefined) throw simError('ENOENT', 'rmdir', path);
    const node = this.node(ino);
    if (node.kind !== 'dir') throw simError('ENOTDIR', 'rmdir', path);
    if (node.entries.size > 0) throw simError('ENOTEMPTY', 'rmdir', path);
    this.record({ kind: 'unlink', dir, name, mtimeMs: this.now() });
  }

  private readdir(path: string): string[] {
    const node = this.node(this.lookup(path, 'scandir'));
    if (node.kind !== 'dir') throw simError('ENOTDIR', 'scandir', path);
    return [...node.entries.keys()];
  }

  private lstat(path: string): FileStat {
    const ino = this.lookup(path, 'lstat');
    const node = this.node(ino);
    const meta = node.kind === 'file' ? node.meta : { ...DEFAULT_META, mode: 0o755 };
    return {
      size: node.kind === 'file' ? node.data.length : 4096,
      mtimeMs: node.mtimeMs,
      ino,
      isFile: node.kind === 'file',
      isDirectory: node.kind === 'dir',
      isSymbolicLink: false,
      nlink: this.linkCount(ino),
      ...meta,
    };
  }

  /** How many directory entries name `ino` (a directory counts its own name only). */
  private linkCount(ino: number): number {
    if (ino === ROOT_INO) return 1;
    let n = 0;
    for (const node of this.live.values()) {
      if (node.kind !== 'dir') continue;
      for (const child of node.entries.values()) if (child === ino) n++;
    }
    return n;
  }
}
