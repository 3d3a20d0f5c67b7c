import type { CommandOptions, CommandOutput } from './run-command.ts';
import type { LockObserver } from '../../../core/lock/lock.ts';

/**
 * A lock a command held, seen from outside it (racetrack's strace nemesis reads them from the
 * command's syscalls: harness/strace/lock-idioms.ts). Times in ns on the history's clock.
 */
export interface ExecLockHold {
  /** How the lock was taken: `flock`, `fcntl`, `excl` (O_CREAT|O_EXCL file), `mkdir`, `link`. */
  readonly idiom: string;
  readonly path: string;
  readonly pid: number;
  readonly invokedNs: number;
  readonly acquiredNs: number;
  /** null: still held when the command ended (a lock file or directory left behind). */
  readonly releasedNs: number | null;
}

/** How a command ended, what it printed, and, when it was traced, the locks it held. */
export interface ExecOutput extends CommandOutput {
  readonly locks?: readonly ExecLockHold[];
  /** The errno a fault injected into one of its syscalls (`--errors`), when one landed. */
  readonly injectedError?: string;
}

/**
 * A command that failed after racetrack injected an error into one of its syscalls: the failure
 * the fault asked for, expected (`EINJECTED`), as long as it left valid state behind.
 */
export class InjectedFaultError extends Error {
  readonly code = 'EINJECTED';
}

/**
 * Runs one operation's command: argv as given, never through a shell. Rejects with an
 * `indeterminate` error when a signal or the timeout ended it. The plain runner spawns it; the
 * harness may hand in one that runs it under strace (`--trace`).
 */
export interface ExecRunner {
  /** Whether its outputs carry `locks`. */
  readonly tracesLocks: boolean;
  run(argv: readonly string[], o: CommandOptions): Promise<ExecOutput>;
}

/** Tells a lock observer (the history's) about the locks a traced command held, each at the time it happened. */
export function reportLocks(observer: LockObserver | undefined, locks: readonly ExecLockHold[]): void {
  if (observer === undefined) return;
  for (const [i, l] of locks.entries()) {
    const token = `${l.idiom}:${l.pid}:${i}`;
    const acquiredMs = l.acquiredNs / 1e6;
    const waitedMs = (l.acquiredNs - l.invokedNs) / 1e6;
    observer.acquired?.({ path: l.path, token, waitedMs, at: acquiredMs, stampedAt: acquiredMs, sinceMs: 0, attempts: 1, observedNs: l.acquiredNs });
    if (l.releasedNs === null) continue;
    const releasedMs = l.releasedNs / 1e6;
    observer.releasing?.({ path: l.path, token, at: releasedMs, observedNs: l.releasedNs });
    observer.released?.({ path: l.path, token, heldMs: (l.releasedNs - l.acquiredNs) / 1e6, at: releasedMs, observedNs: l.releasedNs });
  }
}
