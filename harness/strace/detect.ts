import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { RacetrackError } from '../../core/errors.ts';

/** The strace this machine has, and what it can do. */
export interface StraceInfo {
  readonly path: string;
  /** `[major, minor]`, from `strace -V`. */
  readonly version: readonly [number, number];
  /** Fault injection (`-e inject=…`): strace 4.15 and later. */
  readonly inject: boolean;
  /** `--seccomp-bpf` (untraced syscalls stop nobody): strace 5.3 and later. */
  readonly seccompBpf: boolean;
}

/** Reads `strace -- version 6.1` (or `strace -- version 4.15`). */
export function parseStraceVersion(text: string): [number, number] | null {
  const m = /version\s+(\d+)\.(\d+)/.exec(text);
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

const atLeast = (v: readonly [number, number], major: number, minor: number) => v[0] > major || (v[0] === major && v[1] >= minor);

let cached: StraceInfo | null | undefined;

/** strace on PATH and its version, or null when there is none (or this is not Linux). Asked once per process. */
export function detectStrace(command = 'strace'): StraceInfo | null {
  if (cached !== undefined && command === 'strace') return cached;
  let found: StraceInfo | null = null;
  if (process.platform === 'linux') {
    try {
      const version = parseStraceVersion(execFileSync(command, ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      if (version !== null) found = { path: command, version, inject: atLeast(version, 4, 15), seccompBpf: atLeast(version, 5, 3) };
    } catch {
      found = null;
    }
  }
  if (command === 'strace') cached = found;
  return found;
}

/**
 * strace for an option that needs it (`--trace`), or EINVALID with a one-line install hint: on a
 * machine without strace, or not on Linux (ptrace and strace are Linux's), or with an strace too
 * old to inject faults when `inject` is asked for.
 */
export function requireStrace(option: string, needs: { inject?: boolean } = {}, info: StraceInfo | null = detectStrace()): StraceInfo {
  if (process.platform !== 'linux') {
    throw new RacetrackError('EINVALID', `${option} needs strace, which racetrack uses on Linux only (this is ${process.platform})`, { option, platform: process.platform });
  }
  if (info === null) throw new RacetrackError('EINVALID', `${option} needs strace, which is not installed: apt-get install strace`, { option, install: 'apt-get install strace' });
  if (needs.inject === true && !info.inject) {
    throw new RacetrackError('EINVALID', `${option} needs strace 4.15 or later (fault injection); this one is ${info.version.join('.')}: apt-get install strace`, {
      option,
      version: info.version.join('.'),
    });
  }
  return info;
}
