import { isRacetrackError } from '../core/errors.ts';
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

/**
 * Turns anything a verb threw into exit 2 and a JSON error on stdout: a RacetrackError keeps its
 * code and facts; anything else is reported as an internal error with its message.
 */
export function errorResult(err: unknown): CommandResult {
  if (isRacetrackError(err)) return { exitCode: 2, output: err.toJSON() };
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: 2, output: { error: 'EINTERNAL', message } };
}
