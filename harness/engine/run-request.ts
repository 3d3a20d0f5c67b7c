import process from 'node:process';
import { redactUrl } from '../../core/store/store-url.ts';
import type { SyscallFaultOptions } from '../strace/faults.ts';

/** The lock staleness a run uses when it is given none and neither pauses nor partitions (`--stale-ms`). */
export const DEFAULT_STALE_MS = 5000;

/**
 * What a run was asked: every option that changes what runs or how it is judged. The CLI parses
 * `racetrack run`'s options into one, RunOptions adds to it where the files go and how a caller
 * follows the run, the result records it ({@link recordRequest}), and the replay line in summary.md
 * and JUnit is rendered from that record, so a new option added here reaches all of them.
 */
export interface RunRequest {
  readonly scenario: string;
  /** The system under test: `core`, a control's name, or (in a result) `exec`. */
  readonly sut: string;
  readonly exec?: string;
  /** With `exec`: the user's commands that lay out each root and recover it after a fault (see state-commands.ts). */
  readonly setup?: string;
  readonly recover?: string;
  /** Run each `--exec` operation under strace and read its locks from its syscalls (harness/strace/). */
  readonly trace?: boolean;
  /** Faults strace injects into each `--exec` operation's syscalls: jitter, errors (harness/strace/faults.ts). */
  readonly syscallFaults?: SyscallFaultOptions;
  /** For a store system under test: `postgres` (a throwaway cluster, the default) or a postgres:// URL (in a result, its password hidden). */
  readonly store?: string;
  /** With a store system under test: cut worker 0, in a network namespace of its own, off from the server in every iteration (harness/store/netns.ts). */
  readonly partition?: boolean;
  /** Files the system under test keeps on purpose (`--keep`), not counted as orphans. */
  readonly keep: readonly string[];
  readonly iterations: number;
  readonly workers: number;
  readonly isolation: 'thread' | 'process';
  /** Process isolation: spread the workers over this many simulated hosts (hosts.ts). */
  readonly hosts?: number;
  readonly seed: number;
  /** The share of iterations with collisions tolerated (`--max-collision-rate`). */
  readonly maxCollisionRate: number;
  /** Lock staleness for the SUT's locks and the checkers (default {@link DEFAULT_STALE_MS}). */
  readonly staleMs?: number;
  /** Real-process faults (process isolation only): SIGKILL rate per worker and iteration, pause rate per iteration (default 0). */
  readonly killRate?: number;
  readonly pauseRate?: number;
}

/** A request as a run's result records it: defaults filled in, the store's password hidden. */
export interface RecordedRequest extends RunRequest {
  /**
   * With a command (`--exec`): the directory it ran in, racetrack's working directory, where a
   * relative path in a template (`python3 tools/reserve.py`) is found; the replay line runs there.
   */
  readonly cwd?: string;
  readonly staleMs: number;
  readonly killRate: number;
  readonly pauseRate: number;
}

/**
 * The request `options` made, as result.json records it: only its own fields (a RunOptions' output
 * directory and callbacks stay out), `sut` `exec` when an `--exec` command ran, staleness and
 * fault rates with their defaults, the directory a command ran in, and a store URL without its
 * password (result.json and summary.md are shared; the password is not theirs to pass on).
 */
export function recordRequest(options: RunRequest): RecordedRequest {
  const o = options;
  return {
    scenario: o.scenario,
    sut: o.exec === undefined ? o.sut : 'exec',
    ...(o.exec === undefined ? {} : { exec: o.exec }),
    ...(o.setup === undefined ? {} : { setup: o.setup }),
    ...(o.recover === undefined ? {} : { recover: o.recover }),
    ...(o.exec === undefined ? {} : { cwd: process.cwd() }),
    ...(o.trace === true ? { trace: true } : {}),
    ...(o.syscallFaults === undefined ? {} : { syscallFaults: o.syscallFaults }),
    ...(o.store === undefined ? {} : { store: redactUrl(o.store) }),
    ...(o.partition === true ? { partition: true } : {}),
    keep: [...o.keep],
    iterations: o.iterations,
    workers: o.workers,
    isolation: o.isolation,
    ...(o.hosts === undefined ? {} : { hosts: o.hosts }),
    seed: o.seed,
    maxCollisionRate: o.maxCollisionRate,
    staleMs: o.staleMs ?? DEFAULT_STALE_MS,
    killRate: o.killRate ?? 0,
    pauseRate: o.pauseRate ?? 0,
  };
}
