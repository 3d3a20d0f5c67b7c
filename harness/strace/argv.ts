import type { StraceInfo } from './detect.ts';

/**
 * The syscalls racetrack traces: those that open, lock, sync, create, link, rename and remove
 * files, duplicate and close descriptors (a flock lives as long as its descriptor), change the
 * working directory (to resolve relative paths) and make processes (descriptors are inherited).
 * A name this architecture lacks (open, mkdir… on arm64) is ignored: the `?` prefix.
 */
export const TRACED_SYSCALLS = [
  'open',
  'openat',
  'openat2',
  'creat',
  'close',
  'dup',
  'dup2',
  'dup3',
  'fcntl',
  'flock',
  'mkdir',
  'mkdirat',
  'rmdir',
  'link',
  'linkat',
  'symlink',
  'symlinkat',
  'unlink',
  'unlinkat',
  'rename',
  'renameat',
  'renameat2',
  'write',
  'pwrite64',
  'writev',
  'ftruncate',
  'truncate',
  'fsync',
  'fdatasync',
  'sync',
  'syncfs',
  'chdir',
  'fchdir',
  'clone',
  'clone3',
  'fork',
  'vfork',
  'exit_group',
  'pwritev',
  'pwritev2',
  'copy_file_range',
  'sendfile',
  'splice',
  'fallocate',
  'utimensat',
] as const;

/** One `-e inject=…` rule (strace(1), "Tampering"). */
export interface InjectRule {
  readonly syscalls: readonly string[];
  /** `error=ENOSPC`, `signal=SIGKILL`, `delay_enter=US`, `delay_exit=US`, joined with `:`. */
  readonly error?: string;
  readonly signal?: string;
  readonly delayEnterUs?: number;
  readonly delayExitUs?: number;
  /** strace's `when=` (`3`, `2..4`, `5+`, `1+2`): the invocations, counted per process and syscall. */
  readonly when?: string;
}

export interface StraceArgvOptions {
  /** Where strace writes its trace (`-o`). */
  readonly output: string;
  readonly syscalls?: readonly string[];
  readonly inject?: readonly InjectRule[];
  /** Longest string argument printed (`-s`); write data beyond it is cut. Default 256. */
  readonly stringLimit?: number;
}

/** `-e inject=` text for one rule. */
export function injectSpec(rule: InjectRule): string {
  const parts = [rule.syscalls.map((s) => `?${s}`).join(',')];
  if (rule.error !== undefined) parts.push(`error=${rule.error}`);
  if (rule.signal !== undefined) parts.push(`signal=${rule.signal}`);
  if (rule.delayEnterUs !== undefined) parts.push(`delay_enter=${Math.round(rule.delayEnterUs)}`);
  if (rule.delayExitUs !== undefined) parts.push(`delay_exit=${Math.round(rule.delayExitUs)}`);
  if (rule.when !== undefined) parts.push(`when=${rule.when}`);
  return `inject=${parts.join(':')}`;
}

/**
 * The argv that runs `command` under strace: following forks (`-f`), with absolute timestamps in
 * µs (`-ttt`), each call's duration (`-T`), paths beside descriptors (`-y`), only the given
 * syscalls traced (through seccomp-bpf where strace has it, so the rest cost nothing), the trace
 * written to a file.
 */
export function straceArgv(info: StraceInfo, command: readonly string[], o: StraceArgvOptions): string[] {
  const syscalls = o.syscalls ?? TRACED_SYSCALLS;
  const argv = [info.path, '-f', '-ttt', '-T', '-y', '-s', String(o.stringLimit ?? 256), '-o', o.output];
  if (info.seccompBpf) argv.push('--seccomp-bpf');
  argv.push('-e', `trace=${syscalls.map((s) => `?${s}`).join(',')}`);
  for (const rule of o.inject ?? []) argv.push('-e', injectSpec(rule));
  argv.push('--', ...command);
  return argv;
}
