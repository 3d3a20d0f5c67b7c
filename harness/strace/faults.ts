import { RacetrackError } from '../../core/errors.ts';
import type { InjectRule } from './argv.ts';
import type { ParsedTrace } from './parse.ts';

/** The errors `--errors` may inject: those a file system really returns to writes, syncs and renames. */
export const INJECTABLE_ERRORS = ['ENOSPC', 'EIO', 'EDQUOT', 'EROFS', 'EINTR', 'EAGAIN', 'EACCES', 'EPERM', 'ENOENT', 'EEXIST'] as const;

/** Where `--errors` lands: the calls that write, sync and rename. */
export const ERROR_SYSCALLS = ['write', 'pwrite64', 'writev', 'fsync', 'fdatasync', 'rename', 'renameat', 'renameat2'] as const;

/**
 * Where `--jitter` delays: the calls that lock, write, create, link, rename and remove files, where
 * a script's race windows are. Not open and close: an interpreter opens its libraries by the
 * hundred as it starts, and delaying those only staggers the workers' starts, which was measured
 * to make races rarer, not likelier.
 */
export const JITTER_SYSCALLS = ['flock', 'fcntl', 'write', 'pwrite64', 'mkdir', 'mkdirat', 'rmdir', 'link', 'linkat', 'unlink', 'unlinkat', 'rename', 'renameat2', 'fsync'] as const;

/** What a run's syscall faults are (all optional; none: no fault). */
export interface SyscallFaultOptions {
  /** Largest delay `--jitter` puts before an fs call, µs; 0 or absent: no jitter. */
  readonly jitterUs?: number;
  /** `--errors`: the errnos to inject, one chosen per faulted operation. */
  readonly errors?: readonly string[];
  /** `--error-rate`: the share of operations given one injected error. */
  readonly errorRate?: number;
}

/** One fault planned for an operation: its strace rule and what it is, for the history. */
export interface PlannedFault {
  readonly kind: 'jitter' | 'error';
  readonly rule: InjectRule;
}

/** Where a planned fault landed in the trace, or that it did not (the command never made that call). */
export interface LandedFault {
  readonly kind: PlannedFault['kind'];
  readonly planned: string;
  /** How many calls it hit (a `when` counts per process, so one rule may hit several processes). */
  readonly landed: number;
  /** The first call it hit: syscall, process, path or arguments, and its place in the trace. */
  readonly at: { readonly syscall: string; readonly pid: number; readonly args: string; readonly seq: number } | null;
  /**
   * Whether every call it hit worked on a file or directory (a path strace printed beside the
   * descriptor, or a path argument): an error that hit a pipe or socket (the command's own
   * output to racetrack) leaves the operation's outcome unknown rather than failed.
   */
  readonly onFiles: boolean;
}

/** Checks --errors and --error-rate (and --jitter's µs): EINVALID naming the flag. */
export function checkFaultOptions(o: SyscallFaultOptions): void {
  for (const e of o.errors ?? []) {
    if (!(INJECTABLE_ERRORS as readonly string[]).includes(e)) throw new RacetrackError('EINVALID', `--errors: unknown errno ${e}; known: ${INJECTABLE_ERRORS.join(', ')}`, { errno: e });
  }
  const rate = o.errorRate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new RacetrackError('EINVALID', '--error-rate must be a number from 0 to 1', { errorRate: rate });
  if (rate > 0 && (o.errors ?? []).length === 0) throw new RacetrackError('EINVALID', '--error-rate needs --errors ERRNO[,ERRNO…]');
  const jitter = o.jitterUs ?? 0;
  if (!(Number.isInteger(jitter) && jitter >= 0 && jitter <= 10_000_000)) throw new RacetrackError('EINVALID', '--jitter must be an integer number of µs from 0 to 10000000', { jitterUs: jitter });
}

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)]!;

/**
 * The faults for one operation. Jitter: each fs call group gets its own random delay (up to
 * jitterUs) from a random invocation on, every one to three calls after. An error (with
 * probability errorRate): one errno, one write/sync/rename syscall, at its 1st to 3rd call.
 * strace counts `when` per process and syscall. `seen`: for each of those syscalls, the most
 * calls one process of an earlier operation made; when given, the error goes to one of them, at
 * a call that process reached, so that it lands rather than wait for a call that never comes.
 */
export function planFaults(o: SyscallFaultOptions, random: () => number, seen: ReadonlyMap<string, number> = new Map()): PlannedFault[] {
  const plan: PlannedFault[] = [];
  const jitter = o.jitterUs ?? 0;
  if (jitter > 0) {
    for (const syscall of JITTER_SYSCALLS) {
      plan.push({ kind: 'jitter', rule: { syscalls: [syscall], delayEnterUs: 1 + Math.floor(random() * jitter), when: `${1 + Math.floor(random() * 3)}+${1 + Math.floor(random() * 3)}` } });
    }
  }
  if ((o.errors ?? []).length > 0 && random() < (o.errorRate ?? 0)) {
    const known = [...seen].filter(([, n]) => n > 0);
    const [syscall, most] = known.length > 0 ? pick(known, random) : [pick(ERROR_SYSCALLS, random), 3];
    plan.push({ kind: 'error', rule: { syscalls: [syscall], error: pick(o.errors!, random), when: String(1 + Math.floor(random() * Math.min(3, most))) } });
  }
  return plan;
}

const describeRule = (r: InjectRule) =>
  `${r.syscalls.join(',')}${r.error === undefined ? '' : ` error=${r.error}`}${r.delayEnterUs === undefined ? '' : ` delay=${r.delayEnterUs}us`}${r.when === undefined ? '' : ` when=${r.when}`}`;

/** For each write, sync and rename syscall of a trace, the most calls of it one process made. */
export function errorTargets(trace: ParsedTrace): Map<string, number> {
  const per = new Map<string, number>();
  for (const s of trace.syscalls) {
    if ((ERROR_SYSCALLS as readonly string[]).includes(s.name)) per.set(`${s.pid}\0${s.name}`, (per.get(`${s.pid}\0${s.name}`) ?? 0) + 1);
  }
  const most = new Map<string, number>();
  for (const [key, n] of per) {
    const name = key.split('\0')[1]!;
    most.set(name, Math.max(most.get(name) ?? 0, n));
  }
  return most;
}

/** For each planned fault, where it landed in the trace (strace marks the calls it tampered with). */
export function landedFaults(plan: readonly PlannedFault[], trace: ParsedTrace): LandedFault[] {
  return plan.map((p) => {
    const hits = trace.syscalls.filter((s) => p.rule.syscalls.includes(s.name) && (p.kind === 'error' ? s.injected && s.errno === p.rule.error : s.delayed));
    const first = hits[0];
    const onFiles = hits.every((s) => /^(-?\d+<\/|")/.test(s.args[0] ?? ''));
    return {
      kind: p.kind,
      planned: describeRule(p.rule),
      landed: hits.length,
      at: first === undefined ? null : { syscall: first.name, pid: first.pid, args: first.args.join(', ').slice(0, 200), seq: first.seq },
      onFiles,
    };
  });
}
