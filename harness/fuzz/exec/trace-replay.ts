import { posix } from 'node:path';
import { RacetrackError } from '../../../core/errors.ts';
import type { FsFacade } from '../../../core/fs-facade.ts';
import { fdArg, unquote, type SyscallRecord } from '../../strace/parse.ts';
import { describeCall, isOutput, touchesScope, UNMODELLED } from '../../strace/stop-at.ts';
import type { FuzzEvent } from '../fuzz-target.ts';
import type { TracedCommand } from './exec-fuzz-sut.ts';

/** A file or directory of a case root, as it stood before the commands ran. */
export interface RootEntry {
  /** Relative to the root, `/`-separated. */
  readonly path: string;
  readonly kind: 'file' | 'dir';
  readonly data?: Uint8Array;
}

/** What a replay left: the fs calls it made on the simulated disk, described, and the events at disk-call instants. */
export interface ReplayedTrace {
  /** One line per call the disk counted, in order (instant n: the first n of them were made). */
  readonly calls: readonly string[];
  readonly events: readonly FuzzEvent[];
  /**
   * The instant now of each instant as racetrack counted them before it looked at the disk without
   * a call (`formerInstants[i]`: the same crash state as instant i of a case recorded then). Its
   * look-ups (whether a file existed, what a `sync` covers) and the at-once close of a file opened
   * to append were calls too, and changed nothing.
   */
  readonly formerInstants: readonly number[];
}

/** The simulated disk a replay makes its calls on. */
export interface ReplayDisk {
  /** Every call through it counts: it is an instant a power loss can strike after. */
  readonly fs: FsFacade;
  /** Calls made so far. */
  calls(): number;
  /** What the disk holds now, every path from its `/`, read without a call. */
  entries(): readonly { readonly path: string; readonly kind: 'file' | 'dir' }[];
}

/** A command's call the replay cannot reproduce on the simulated disk: power loss cannot be judged for it. */
function unsupported(s: SyscallRecord, why: string): RacetrackError {
  return new RacetrackError('EINVALID', `--power-loss cannot replay ${describeCall(s)}: ${why}`, { syscall: s.name });
}

const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** The data of a write or writev as strace printed it (`-s` large enough to hold it all), cut to what the call wrote. */
function writtenBytes(s: SyscallRecord): Uint8Array {
  const written = s.result ?? 0;
  let text: string | null;
  if (s.name === 'writev') {
    const parts = [...(s.args[1] ?? '').matchAll(/iov_base="((?:[^"\\]|\\.)*)"/g)].map((m) => unquote(`"${m[1]}"`) ?? '');
    text = parts.join('');
  } else text = unquote(s.args[1] ?? '');
  if (text === null || text.length < written) throw unsupported(s, 'its data was not printed whole');
  return bytesOf(text.slice(0, written));
}

interface OpenEntry {
  /** The path on the simulated disk. */
  readonly path: string;
  /** The simulated disk's fd; null for a file opened only to read, to fsync or to lock. */
  readonly simFd: number | null;
  /** Opened to append: a write through it is not modelled (it was created by the open, if at all). */
  readonly appends: boolean;
}

/** Why a write through a descriptor without a simulated fd cannot be replayed. */
const UNMODELLED_WRITE = 'writing into an existing file without O_TRUNC, or with O_APPEND, is not modelled (opening one to lock it is)';

/**
 * Replays the traced commands of a case, in order, onto `disk` (a simulated disk) as a power loss
 * sees them: every call that changed a file or directory under `realRoot` is made on the
 * simulated disk under `simRoot` (opens with O_CREAT, O_EXCL or O_TRUNC, writes, fsync and
 * fdatasync, renames, links, unlinks, mkdir and rmdir, `sync`), descriptors followed through
 * forks, dup and close. Calls outside the root are left out. EUNSUPPORTED for a call it cannot
 * reproduce faithfully (a write at an offset, a truncate to a length, a symlink, a write to a file
 * opened with O_APPEND or without O_TRUNC): the
 * caller says so rather than explore a disk the command never made. Each disk call is an instant,
 * listed once, under the syscall that made it; what the replay only looks at (whether a file is
 * there, what a `sync` covers) it reads without a call.
 *
 * `recorded`: the recording run's events (by command count); each operation's invoke lands at
 * the disk instant its first command started, and its result at the instant its output was
 * written to racetrack (or its command ended).
 */
export function replayTrace(disk: ReplayDisk, traced: readonly TracedCommand[], realRoot: string, simRoot: string, recorded: readonly FuzzEvent[]): ReplayedTrace {
  const { fs, calls } = disk;
  const lines: string[] = [];
  const events: FuzzEvent[] = [];
  const inRoot = (p: string | null): p is string => p !== null && (p === realRoot || p.startsWith(`${realRoot}/`));
  const toSim = (p: string) => simRoot + p.slice(realRoot.length);
  const exists = (simPath: string) => disk.entries().some((e) => e.path === simPath);
  /** A path argument, resolved against its directory descriptor (`AT_FDCWD</cwd>`, `3</dir>`). */
  const pathArg = (s: SyscallRecord, dirIndex: number | null, pathIndex: number): string | null => {
    const raw = unquote(s.args[pathIndex] ?? '');
    if (raw === null) return null;
    if (raw.startsWith('/')) return posix.normalize(raw);
    const dir = dirIndex === null ? null : fdArg(s.args[dirIndex] ?? '')?.path;
    // A relative path with no directory strace printed: where it points depends on a working directory the replay does not follow.
    if (dir === null || dir === undefined) throw unsupported(s, 'a relative path without its directory');
    return posix.resolve(dir, raw);
  };
  // The former count (ReplayedTrace.formerInstants): one entry per call then, the calls now made by its end.
  const former = [0];
  let counted = 0;
  const catchUp = () => {
    for (; counted < calls(); counted++) former.push(counted + 1);
  };
  /** `n` calls then that changed nothing and are no calls now. */
  const formerOnly = (n = 1) => {
    catchUp();
    for (let i = 0; i < n; i++) former.push(counted);
  };
  /** A call now that was none then. */
  const nowOnly = (call: () => void) => {
    catchUp();
    call();
    counted = calls();
  };

  const table = new Map<string, OpenEntry>();
  const refs = new Map<number, number>();
  // Threads made with CLONE_FILES share their creator's descriptor table: keyed by the creator.
  const tableOwner = new Map<number, number>();
  const key = (pid: number, fd: number) => `${tableOwner.get(pid) ?? pid}:${fd}`;
  const bind = (pid: number, fd: number, e: OpenEntry) => {
    unbind(pid, fd);
    table.set(key(pid, fd), e);
    if (e.simFd !== null) refs.set(e.simFd, (refs.get(e.simFd) ?? 0) + 1);
  };
  const unbind = (pid: number, fd: number) => {
    const e = table.get(key(pid, fd));
    if (e === undefined) return;
    table.delete(key(pid, fd));
    if (e.simFd === null) return;
    const left = (refs.get(e.simFd) ?? 1) - 1;
    refs.set(e.simFd, left);
    if (left > 0) return;
    const simFd = e.simFd;
    // A file opened to append was closed at once then.
    if (e.appends) nowOnly(() => fs.close(simFd));
    else fs.close(simFd);
  };
  const line = (s: SyscallRecord) => lines.push(describeCall(s).replaceAll(realRoot, '<root>'));

  const oked = new Map(recorded.filter((e) => e.type === 'ok').map((e) => [e.op, e.value]));
  let op = -1;
  for (const { op: opOf, trace } of traced) {
    if (opOf !== op) {
      op = opOf;
      events.push({ op, type: 'invoke', call: calls() });
    }
    let told = false;
    for (const s of trace.syscalls) {
      if (s.result === null || s.result < 0) continue;
      const fd = fdArg(s.args[0] ?? '');
      const made = () => {
        for (let n = lines.length; n < calls(); n++) line(s);
      };
      try {
        switch (s.name) {
          case 'clone':
          case 'clone3':
          case 'fork':
          case 'vfork':
            if (s.args.some((a) => a.includes('CLONE_FILES'))) {
              tableOwner.set(s.result, tableOwner.get(s.pid) ?? s.pid);
              continue;
            }
            for (const [k, e] of [...table]) if (k.startsWith(`${tableOwner.get(s.pid) ?? s.pid}:`)) bind(s.result, Number(k.slice(k.indexOf(':') + 1)), e);
            made();
            continue;
          case 'dup':
          case 'dup2':
          case 'dup3':
          case 'fcntl': {
            if (s.name === 'fcntl' && !/^F_DUPFD/.test(s.args[1] ?? '')) continue;
            if (fd === null || fd.fd === s.result) continue;
            const e = table.get(key(s.pid, fd.fd));
            // The new descriptor is whatever the old one was, tracked or not (bash saves and restores its stdout this way).
            if (e !== undefined) bind(s.pid, s.result, e);
            else unbind(s.pid, s.result);
            // Its old descriptor's file, closed over, is a call of this syscall's.
            made();
            continue;
          }
          case 'close':
            if (fd !== null) unbind(s.pid, fd.fd);
            made();
            continue;
          case 'open':
          case 'openat':
          case 'openat2':
          case 'creat': {
            const path = s.resultPath ?? null;
            if (!inRoot(path)) {
              unbind(s.pid, s.result);
              made();
              continue;
            }
            formerOnly(); // whether the file was there: a call then
            const flags = s.name === 'creat' ? 'O_WRONLY|O_CREAT|O_TRUNC' : (s.args.find((a) => /^O_[A-Z]/.test(a)) ?? '');
            const writes = /O_WRONLY|O_RDWR/.test(flags);
            const appends = /O_APPEND/.test(flags) && writes;
            let simFd: number | null = null;
            if (appends) {
              // A lock file opened to append (`exec 9>>"$lock"`): its creation is replayed; a write through it is not modelled.
              if (/O_CREAT/.test(flags) && !exists(toSim(path))) {
                simFd = fs.openExclusive(toSim(path));
                formerOnly(); // its close at once then
              }
            } else if (/O_EXCL/.test(flags) && /O_CREAT/.test(flags)) simFd = fs.openExclusive(toSim(path));
            else if (/O_TRUNC/.test(flags) && writes) simFd = fs.openTruncate(toSim(path));
            else if (/O_CREAT/.test(flags) && !exists(toSim(path))) simFd = fs.openExclusive(toSim(path));
            bind(s.pid, s.result, { path: toSim(path), simFd, appends });
            made();
            continue;
          }
          case 'write':
          case 'writev': {
            if (isOutput(fd) && trace.processes[0] === s.pid && !told && oked.has(op)) {
              // The command's result reached racetrack here: its caller has it from this instant on.
              events.push({ op, type: 'ok', call: calls(), value: oked.get(op) });
              told = true;
              continue;
            }
            // strace's own -y path says what the descriptor is: a write outside the root is not the disk's.
            if (!inRoot(fd?.path ?? null)) continue;
            const e = fd === null ? undefined : table.get(key(s.pid, fd.fd));
            if (e === undefined || e.simFd === null || e.appends)
              throw unsupported(s, e === undefined ? 'it writes through a descriptor opened where the trace could not follow it' : UNMODELLED_WRITE);
            fs.write(e.simFd, writtenBytes(s));
            made();
            continue;
          }
          case 'fsync':
          case 'fdatasync': {
            const e = fd === null ? undefined : table.get(key(s.pid, fd.fd));
            if (e === undefined) continue;
            if (e.simFd !== null) fs.fsync(e.simFd);
            else fs.fsyncDir(e.path);
            made();
            continue;
          }
          case 'sync':
          case 'syncfs': {
            // Everything under the root made durable: every directory's entries and every file's data.
            const under = disk.entries().filter((e) => e.path.startsWith(`${simRoot}/`));
            formerOnly(1 + under.length + under.filter((e) => e.kind === 'dir').length); // then: a readdir of each directory, an lstat of each entry
            for (const p of [simRoot, ...under.map((e) => e.path)]) fs.fsyncDir(p);
            made();
            continue;
          }
          case 'rename':
          case 'renameat':
          case 'renameat2': {
            const [from, to] = s.name === 'rename' ? [pathArg(s, null, 0), pathArg(s, null, 1)] : [pathArg(s, 0, 1), pathArg(s, 2, 3)];
            if (!inRoot(from) && !inRoot(to)) continue;
            if (!inRoot(from) || !inRoot(to)) throw unsupported(s, 'it renames across the root');
            if ((s.args[4] ?? '').includes('RENAME_EXCHANGE')) throw unsupported(s, 'RENAME_EXCHANGE is not modelled');
            fs.rename(toSim(from), toSim(to));
            made();
            continue;
          }
          case 'link':
          case 'linkat': {
            const [from, to] = s.name === 'link' ? [pathArg(s, null, 0), pathArg(s, null, 1)] : [pathArg(s, 0, 1), pathArg(s, 2, 3)];
            if (!inRoot(to)) continue;
            if (!inRoot(from)) throw unsupported(s, 'it links a file from outside the root');
            fs.link(toSim(from), toSim(to));
            made();
            continue;
          }
          case 'unlink':
          case 'unlinkat':
          case 'rmdir': {
            const path = s.name === 'unlinkat' ? pathArg(s, 0, 1) : pathArg(s, null, 0);
            if (!inRoot(path)) continue;
            if (s.name === 'rmdir' || (s.args[2] ?? '').includes('AT_REMOVEDIR')) fs.rmdir(toSim(path));
            else fs.unlink(toSim(path));
            made();
            continue;
          }
          case 'mkdir':
          case 'mkdirat': {
            const path = s.name === 'mkdirat' ? pathArg(s, 0, 1) : pathArg(s, null, 0);
            if (!inRoot(path)) continue;
            fs.mkdir(toSim(path));
            made();
            continue;
          }
          case 'pwrite64':
          case 'ftruncate':
          case 'truncate':
          case 'symlink':
          case 'symlinkat': {
            const path = s.name === 'truncate' || s.name === 'symlink' ? pathArg(s, null, s.name === 'symlink' ? 1 : 0) : s.name === 'symlinkat' ? pathArg(s, 1, 2) : (fd?.path ?? null);
            if (inRoot(path)) throw unsupported(s, 'it is not modelled on the simulated disk');
            continue;
          }
          default:
            if ((UNMODELLED as readonly string[]).includes(s.name) && touchesScope(s, realRoot)) throw unsupported(s, 'it is not modelled on the simulated disk');
            continue;
        }
      } catch (err) {
        if (err instanceof RacetrackError) throw err;
        throw unsupported(s, `the simulated disk refused it (${(err as Error).message}): the trace and the replay disagree`);
      }
    }
    if (!told && oked.has(op) && traced.filter((t) => t.op === op).at(-1)?.trace === trace) events.push({ op, type: 'ok', call: calls(), value: oked.get(op) });
  }
  // Descriptors still open when the trace ends: their processes exited holding them.
  for (const [k, e] of [...table]) {
    const [pid, fd] = k.split(':').map(Number);
    unbind(pid!, fd!);
    for (let n = lines.length; n < calls(); n++) lines.push(`close(${e.path.replace(simRoot, '<root>')}) at its process's exit`);
  }
  catchUp();
  return { calls: lines, events, formerInstants: former };
}
