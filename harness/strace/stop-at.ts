import type { InjectRule } from './argv.ts';
import { fdArg, unquote, type ParsedTrace, type SyscallRecord } from './parse.ts';

/**
 * A point in a command's run, as strace can find it again in another run of the same command:
 * right after the `nth` call of `syscall` made by the `process`-th process (or thread) of its
 * tree. strace counts `when=` per process and syscall, so `syscall` and `nth` name the call within
 * its process; `process` (the order in which the processes first appear in the trace, 0 being the
 * command itself) tells which process is meant, as the same stop rule stops every process at its
 * own nth call.
 */
export interface SyscallPoint {
  readonly process: number;
  readonly syscall: string;
  readonly nth: number;
  /** The call as the recording run printed it, for people. */
  readonly call: string;
}

/** Where a run with a stop point was killed: the process and the call it had just made. */
export interface StoppedAt {
  readonly pid: number;
  readonly process: number;
  /** The stopped process's last call, as strace printed it. */
  readonly call: string;
}

/**
 * The strace rule that stops a process right after the point's call: a SIGSTOP injected at the
 * call, which the kernel delivers once the call has returned (its effect is done), so the process
 * stands still until racetrack decides (StopWatcher): kill the whole tree if it is the process
 * meant, let it go on if it is another one that reached its own nth call of that syscall.
 */
export function stopRule(point: SyscallPoint): InjectRule {
  return { syscalls: [point.syscall], signal: 'SIGSTOP', when: String(point.nth) };
}

/** What the trace reader is to do with a process strace holds stopped. */
export type StopAction = { readonly kind: 'continue'; readonly pid: number } | { readonly kind: 'kill'; readonly at: StoppedAt };

const LINE = /^(\d+)\s+(?:\d+(?:\.\d+)?\s+)?(.*)$/;

/**
 * Reads a trace as strace writes it (`-f -o FILE`) and says, for every process stopped by the
 * stop rule's injected SIGSTOP (`si_code=SI_KERNEL`: a SIGSTOP anyone sent is left alone), whether
 * it is the one meant. Processes are numbered in the order their first line appears, as
 * ParsedTrace.processes numbers them.
 */
export class StopWatcher {
  private readonly point: SyscallPoint;
  private readonly ordinals = new Map<number, number>();
  private readonly lastCall = new Map<number, string>();
  private readonly injected = new Set<number>();

  constructor(point: SyscallPoint) {
    this.point = point;
  }

  /** Takes the next whole lines of the trace; returns what to do with the processes stopped in them. */
  feed(text: string): StopAction[] {
    const lines = text.split('\n');
    const actions: StopAction[] = [];
    for (const line of lines) {
      const m = LINE.exec(line);
      if (m === null) continue;
      const pid = Number(m[1]);
      if (!this.ordinals.has(pid)) this.ordinals.set(pid, this.ordinals.size);
      const rest = m[2]!;
      if (rest.startsWith('--- SIGSTOP ') && rest.includes('si_code=SI_KERNEL')) this.injected.add(pid);
      else if (rest === '--- stopped by SIGSTOP ---' && this.injected.delete(pid)) {
        const process = this.ordinals.get(pid)!;
        if (process === this.point.process) actions.push({ kind: 'kill', at: { pid, process, call: this.lastCall.get(pid) ?? '' } });
        else actions.push({ kind: 'continue', pid });
      } else if (!rest.startsWith('---') && !rest.startsWith('+++')) this.lastCall.set(pid, rest);
    }
    return actions;
  }
}

/**
 * Calls that change files in ways the power-loss replay does not model (trace-replay.ts refuses
 * them in the root): vectored and positioned writes, in-kernel copies, preallocation, times.
 */
export const UNMODELLED = ['pwritev', 'pwritev2', 'copy_file_range', 'sendfile', 'splice', 'fallocate', 'utimensat'] as const;

/** Calls that change what a crash leaves behind: they create, write, rename, link, remove, truncate or lock. */
const CHANGING = new Set([
  'write',
  'pwrite64',
  'writev',
  'ftruncate',
  'truncate',
  'rename',
  'renameat',
  'renameat2',
  'link',
  'linkat',
  'symlink',
  'symlinkat',
  'unlink',
  'unlinkat',
  'mkdir',
  'mkdirat',
  'rmdir',
  'flock',
  'fcntl',
  'open',
  'openat',
  'openat2',
  'creat',
  ...UNMODELLED,
]);

const OPENS = new Set(['open', 'openat', 'openat2', 'creat']);

/**
 * Whether a descriptor strace printed is a command's standard output to racetrack: fd 1 on a pipe
 * or a socket (Node hands a child's stdio over a socket pair). A pipe a shell made for `$(…)` has
 * the same look; a crash point too many costs one run, never a wrong verdict.
 */
export function isOutput(fd: { fd: number; path: string | null } | null): boolean {
  return fd?.fd === 1 && /^(pipe|socket|UNIX-STREAM|UNIX):/.test(fd.path ?? '');
}

/** Whether a path strace printed lies in `scope` (or is relative, whose directory the trace does not say). */
function inScope(path: string | null, scope: string): boolean {
  if (path === null) return false;
  return !path.startsWith('/') || path === scope || path.startsWith(`${scope}/`);
}

/** Whether any argument of `s` is a descriptor (with its -y path) or an absolute path in `scope`. */
export function touchesScope(s: SyscallRecord, scope: string): boolean {
  return s.args.some((a) => {
    const path = fdArg(a)?.path ?? unquote(a);
    return path?.startsWith('/') === true && inScope(path, scope);
  });
}

/** Whether `s` is a call a crash right after would leave a different state from a crash right before. */
export function changesState(s: SyscallRecord, scope: string): boolean {
  if (!CHANGING.has(s.name) || s.result === null || s.result < 0) return false;
  const fd = fdArg(s.args[0] ?? '');
  if (s.name === 'write' || s.name === 'pwrite64' || s.name === 'writev') {
    // Its own output to racetrack is when the caller is told: a crash point too.
    return isOutput(fd) || inScope(fd?.path ?? null, scope);
  }
  if (s.name === 'flock') return !(s.args[1] ?? '').includes('LOCK_UN') && inScope(fd?.path ?? null, scope);
  if (s.name === 'fcntl') return /F_(OFD_)?SETLKW?\b/.test(s.args[1] ?? '') && !(s.args[2] ?? '').includes('F_UNLCK') && inScope(fd?.path ?? null, scope);
  if (s.name === 'ftruncate') return inScope(fd?.path ?? null, scope);
  if ((UNMODELLED as readonly string[]).includes(s.name)) return touchesScope(s, scope);
  if (OPENS.has(s.name)) {
    const flags = s.name === 'creat' ? 'O_CREAT|O_TRUNC' : (s.args.find((a) => /^O_[A-Z]/.test(a)) ?? '');
    return /O_CREAT|O_TRUNC/.test(flags) && inScope(s.resultPath ?? null, scope);
  }
  return s.args.some((a) => inScope(unquote(a), scope));
}

/**
 * The crash points of a recorded run: right after each call that changed what a crash would
 * leave in `scope` (a directory) or told the caller something (a write to its stdout), in the
 * order they were made, each named the way strace finds it again (SyscallPoint).
 */
export function crashPointsOf(trace: ParsedTrace, scope: string): SyscallPoint[] {
  const ordinal = new Map(trace.processes.map((pid, i) => [pid, i]));
  const counts = new Map<string, number>();
  const points: SyscallPoint[] = [];
  for (const s of trace.syscalls) {
    const key = `${s.pid}\0${s.name}`;
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    if (!changesState(s, scope)) continue;
    points.push({ process: ordinal.get(s.pid) ?? 0, syscall: s.name, nth, call: describeCall(s) });
  }
  return points;
}

/** One call as people read it: `renameat2(AT_FDCWD, "a.tmp", AT_FDCWD, "a", 0) = 0`, arguments cut at 160 characters. */
export function describeCall(s: SyscallRecord): string {
  const args = s.args.join(', ');
  return `${s.name}(${args.length > 160 ? `${args.slice(0, 157)}...` : args}) = ${s.result === null ? '?' : s.result}${s.errno === undefined ? '' : ` ${s.errno}`}`;
}
