import { basename, resolve } from 'node:path';
import { fdArg, unquote, type ParsedTrace, type SyscallRecord } from './parse.ts';

/**
 * The lock idioms racetrack recognises in a trace:
 *
 * | idiom    | acquired                                    | released                                        |
 * | -------- | ------------------------------------------- | ----------------------------------------------- |
 * | `flock`  | flock(fd, LOCK_EX) = 0                      | flock(fd, LOCK_UN), or the last descriptor of the file in the process tree closed (close or exit) |
 * | `fcntl`  | fcntl(fd, F_SETLK/F_SETLKW/F_OFD_SETLK(W), F_WRLCK) = 0 | F_UNLCK; for a process lock, any close of the file by that process or its exit |
 * | `excl`   | open(…, O_CREAT\|O_EXCL) = fd               | unlink or rename of the file                    |
 * | `mkdir`  | mkdir(path) = 0                             | rmdir(path)                                     |
 * | `link`   | link(tmp, path) = 0                         | unlink or rename of path                        |
 *
 * `excl`, `mkdir` and `link` also make ordinary files and directories, so they count as locks only
 * for a path whose name contains "lock" (`.topic.lock`, `x.lock/`, `lockfile`).
 *
 * A hold begins when its acquiring call had surely returned (its process's next traced event) and
 * ends when its releasing call (close, unlink, exit_group…) was entered: the kernel's own moments
 * lie inside, so a correct lock's holds never seem to overlap, and two holds that do overlap
 * overlapped.
 */
export type LockIdiom = 'flock' | 'fcntl' | 'excl' | 'mkdir' | 'link';

/** One lock hold found in a trace. Times are wall-clock seconds, as strace printed them. */
export interface TracedHold {
  readonly idiom: LockIdiom;
  readonly path: string;
  readonly pid: number;
  /** When the caller began to wait: its first failed attempt since it last held, or the acquiring call's entry. */
  readonly invokedAt: number;
  /** When the acquiring call returned (after any delay strace injected). */
  readonly acquiredAt: number;
  /** When the hold ended; null when it had not by the end of the trace (a lock file left behind). */
  readonly releasedAt: number | null;
  /** The acquiring syscall (its `seq` in the trace). */
  readonly acquiredBy: number;
}

const isLockName = (path: string) => /lock/i.test(basename(path));

interface Open {
  idiom: LockIdiom;
  path: string;
  pid: number;
  invokedAt: number;
  acquiredAt: number;
  acquiredBy: number;
}

/** The lock holds of one traced process tree, in the order they were acquired. */
export function lockHolds(trace: ParsedTrace): TracedHold[] {
  // When a call had surely returned: its process's next traced event (strace stamps an entry
  // when it stops the process there, so the process had left the call before). Entry + duration
  // (-T) alone was measured up to 35 µs early, enough to make a correct flock's holds overlap.
  const next = new Map<number, number>();
  const lastOf = new Map<number, SyscallRecord>();
  for (const s of trace.syscalls) {
    const before = lastOf.get(s.pid);
    if (before !== undefined) next.set(before.seq, s.time);
    lastOf.set(s.pid, s);
  }
  for (const e of trace.ends) {
    const before = lastOf.get(e.pid);
    if (before !== undefined && !next.has(before.seq)) next.set(before.seq, e.time);
  }
  const returned = (s: SyscallRecord) => Math.max(s.time + s.duration, next.get(s.seq) ?? 0);
  const fds = new Map<number, Map<number, string>>();
  const cwd = new Map<number, string>();
  const held: Open[] = [];
  const done: TracedHold[] = [];
  const firstTry = new Map<string, number>();
  const table = (pid: number) => {
    const t = fds.get(pid) ?? new Map<number, string>();
    fds.set(pid, t);
    return t;
  };
  const pathAt = (pid: number, dirArg: string | undefined, nameArg: string | undefined): string | null => {
    const name = nameArg === undefined ? null : unquote(nameArg);
    if (name === null) return null;
    if (name.startsWith('/')) return resolve(name);
    const dir = dirArg === undefined ? null : fdArg(dirArg);
    const base = dir?.path ?? cwd.get(pid);
    return base === undefined ? null : resolve(base, name);
  };
  const release = (at: number, match: (h: Open) => boolean) => {
    for (let i = held.length - 1; i >= 0; i--) {
      const h = held[i]!;
      if (!match(h)) continue;
      held.splice(i, 1);
      done.push({ ...h, releasedAt: at });
    }
  };
  const acquire = (s: SyscallRecord, idiom: LockIdiom, path: string) => {
    const key = `${idiom}\0${path}`;
    // A flock taken again on a file this tree holds (a child re-locking its inherited descriptor) is the same hold.
    if (held.some((h) => h.idiom === idiom && h.path === path && (idiom !== 'fcntl' || h.pid === s.pid))) return;
    held.push({ idiom, path, pid: s.pid, invokedAt: firstTry.get(key) ?? s.time, acquiredAt: returned(s), acquiredBy: s.seq });
    firstTry.delete(key);
  };
  const attempt = (s: SyscallRecord, idiom: LockIdiom, path: string) => {
    const key = `${idiom}\0${path}`;
    if (!firstTry.has(key)) firstTry.set(key, s.time);
  };
  const openAnywhere = (path: string) => [...fds.values()].some((t) => [...t.values()].includes(path));
  // A flock (and an OFD lock) belongs to the open file: it ends when no descriptor of the file is left.
  const dropFileLocks = (at: number) => release(at, (h) => (h.idiom === 'flock' || (h.idiom === 'fcntl' && h.pid < 0)) && !openAnywhere(h.path));

  // A process ends (and its descriptors close) at its exit_group; one killed ends after the last
  // call it was seen to enter. Either is at or before the kernel let go of its locks, so a correct
  // lock's next holder (timed from its acquiring call's return) never seems to overlap it.
  const lastSeen = new Map<number, number>();
  const ended = new Set<number>();
  const endProcess = (pid: number, at: number) => {
    if (ended.has(pid)) return;
    ended.add(pid);
    fds.delete(pid);
    release(at, (h) => h.idiom === 'fcntl' && h.pid === pid);
    dropFileLocks(at);
  };
  const events = [...trace.syscalls.map((s) => ({ at: s.time, s, end: null })), ...trace.ends.map((e) => ({ at: e.time, s: null, end: e }))].sort((a, b) => a.at - b.at);
  for (const { s, end } of events) {
    if (end !== null) {
      endProcess(end.pid, lastSeen.get(end.pid) ?? end.time);
      continue;
    }
    if (s === null) continue;
    lastSeen.set(s.pid, s.time);
    if (s.name === 'exit_group') {
      endProcess(s.pid, s.time);
      continue;
    }
    const ok = s.result !== null && s.result >= 0;
    const [a0, a1, a2] = s.args;
    // Learn the working directory from any `AT_FDCWD</dir>` strace printed.
    for (const arg of s.args) {
      const fd = fdArg(arg);
      if (fd !== null && fd.fd === -100 && fd.path !== null) cwd.set(s.pid, fd.path);
    }
    switch (s.name) {
      case 'clone':
      case 'clone3':
      case 'fork':
      case 'vfork': {
        if (!ok || s.result === 0) break;
        const child = s.result!;
        fds.set(child, new Map(table(s.pid)));
        const dir = cwd.get(s.pid);
        if (dir !== undefined) cwd.set(child, dir);
        break;
      }
      case 'open':
      case 'creat':
      case 'openat':
      case 'openat2': {
        const path = s.name === 'openat' || s.name === 'openat2' ? pathAt(s.pid, a0, a1) : pathAt(s.pid, undefined, a0);
        const flags = s.name === 'creat' ? 'O_CREAT' : ((s.name === 'openat' || s.name === 'openat2' ? a2 : a1) ?? '');
        const excl = flags.includes('O_CREAT') && flags.includes('O_EXCL') && path !== null && isLockName(path);
        if (ok) {
          const where = s.resultPath ?? path;
          if (where !== null) table(s.pid).set(s.result!, where);
          if (excl) acquire(s, 'excl', path);
        } else if (excl && s.errno === 'EEXIST') attempt(s, 'excl', path);
        break;
      }
      case 'dup':
      case 'dup2':
      case 'dup3': {
        const from = a0 === undefined ? null : fdArg(a0);
        if (!ok || from === null) break;
        const path = from.path ?? table(s.pid).get(from.fd);
        if (path !== undefined) table(s.pid).set(s.result!, path);
        break;
      }
      case 'close': {
        const fd = a0 === undefined ? null : fdArg(a0);
        if (fd === null) break;
        const path = fd.path ?? table(s.pid).get(fd.fd);
        table(s.pid).delete(fd.fd);
        // A process's POSIX record lock on a file ends at any close of that file by the process.
        if (path !== undefined) release(s.time, (h) => h.idiom === 'fcntl' && h.pid === s.pid && h.path === path);
        dropFileLocks(s.time);
        break;
      }
      case 'fcntl': {
        const fd = a0 === undefined ? null : fdArg(a0);
        const path = fd === null ? undefined : (fd.path ?? table(s.pid).get(fd.fd));
        if (fd === null || path === undefined || a1 === undefined) break;
        if (/^F_DUPFD/.test(a1) && ok) {
          table(s.pid).set(s.result!, path);
          break;
        }
        const m = /^F_(OFD_)?SETLKW?$/.exec(a1);
        if (m === null) break;
        // An OFD lock belongs to its open file, like a flock: marked with a negative owner.
        const owner = m[1] === undefined ? s.pid : -s.pid;
        if ((a2 ?? '').includes('F_UNLCK')) release(s.time, (h) => h.idiom === 'fcntl' && h.path === path && (m[1] !== undefined || h.pid === s.pid));
        else if ((a2 ?? '').includes('F_WRLCK')) {
          if (ok) acquire({ ...s, pid: owner }, 'fcntl', path);
          else attempt(s, 'fcntl', path);
        }
        break;
      }
      case 'flock': {
        const fd = a0 === undefined ? null : fdArg(a0);
        const path = fd === null ? undefined : (fd.path ?? table(s.pid).get(fd.fd));
        if (fd === null || path === undefined) break;
        table(s.pid).set(fd.fd, path);
        if ((a1 ?? '').includes('LOCK_UN')) release(s.time, (h) => h.idiom === 'flock' && h.path === path);
        else if ((a1 ?? '').includes('LOCK_EX')) {
          if (ok) acquire(s, 'flock', path);
          else attempt(s, 'flock', path);
        }
        break;
      }
      case 'mkdir':
      case 'mkdirat': {
        const path = s.name === 'mkdir' ? pathAt(s.pid, undefined, a0) : pathAt(s.pid, a0, a1);
        if (path === null || !isLockName(path)) break;
        if (ok) acquire(s, 'mkdir', path);
        else if (s.errno === 'EEXIST') attempt(s, 'mkdir', path);
        break;
      }
      case 'link':
      case 'linkat':
      case 'symlink':
      case 'symlinkat': {
        const path = s.name === 'link' || s.name === 'symlink' ? pathAt(s.pid, undefined, a1) : s.name === 'linkat' ? pathAt(s.pid, a2, s.args[3]) : pathAt(s.pid, a1, a2);
        if (path === null || !isLockName(path)) break;
        if (ok) acquire(s, 'link', path);
        else if (s.errno === 'EEXIST') attempt(s, 'link', path);
        break;
      }
      case 'rmdir':
      case 'unlink':
      case 'unlinkat':
      case 'rename':
      case 'renameat':
      case 'renameat2': {
        if (!ok) break;
        const path = s.name === 'rmdir' || s.name === 'unlink' || s.name === 'rename' ? pathAt(s.pid, undefined, a0) : pathAt(s.pid, a0, a1);
        if (path === null) break;
        const idioms: readonly LockIdiom[] = s.name === 'rmdir' || (s.name === 'unlinkat' && (a2 ?? '').includes('AT_REMOVEDIR')) ? ['mkdir'] : ['excl', 'link'];
        release(s.time, (h) => idioms.includes(h.idiom) && h.path === path);
        break;
      }
      case 'chdir': {
        const path = pathAt(s.pid, undefined, a0);
        if (ok && path !== null) cwd.set(s.pid, path);
        break;
      }
      case 'fchdir': {
        const fd = a0 === undefined ? null : fdArg(a0);
        if (ok && fd?.path != null) cwd.set(s.pid, fd.path);
        break;
      }
    }
  }
  for (const h of held) done.push({ ...h, pid: Math.abs(h.pid), releasedAt: null });
  return done.map((h) => ({ ...h, pid: Math.abs(h.pid) })).sort((a, b) => a.acquiredAt - b.acquiredAt);
}
