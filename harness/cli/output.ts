import { errnoCode, fromFsError, isRacetrackError } from '../../core/errors.ts';
import type { CommandResult } from './command-result.ts';

/** Where the CLI writes; injected so tests can capture it. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Prints a result: nothing for undefined, strings as they are, anything else as one JSON line. */
export function printResult(io: CliIo, result: CommandResult): void {
  if (result.output === undefined) return;
  const text = typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
  io.stdout(`${text}\n`);
}

/** What EINTERNAL means, printed with it and in the help: the one error that is racetrack's fault. */
export const EINTERNAL_MEANING = 'an unexpected failure inside racetrack, a bug: please report it with the command that caused it';

/**
 * Turns anything a verb threw into exit 2 and a JSON error on stdout: a RacetrackError keeps its
 * code and facts; a system error that no verb wrapped (it has a syscall: a file that cannot be
 * opened, a disk that refuses) gets the code a wrapped one would (ENOTFOUND, EIO) with its errno
 * and path; anything else is `EINTERNAL`, an unexpected failure, which says it is a bug to report.
 * EINTERNAL cannot be made impossible (a worker thread that dies, a fault in racetrack itself),
 * but it is never the answer to bad input or to a failing disk.
 */
export function errorResult(err: unknown): CommandResult {
  if (isRacetrackError(err)) return { exitCode: 2, output: err.toJSON() };
  const syscall = (err as { syscall?: unknown } | null)?.syscall;
  if (typeof syscall === 'string' && errnoCode(err) !== undefined) {
    const path = (err as { path?: unknown }).path;
    return { exitCode: 2, output: fromFsError(err, typeof path === 'string' ? path : '', syscall).toJSON() };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: 2, output: { error: 'EINTERNAL', message, meaning: EINTERNAL_MEANING } };
}
