/**
 * What a CLI verb produced: the exit code (0 success, 1 no work or a failed check, 2 bad input or
 * error) and what to print on stdout. `output` is printed as one JSON line unless it is a string
 * (the `--format simple` outputs), which is printed as is.
 */
export interface CommandResult {
  readonly exitCode: 0 | 1 | 2;
  readonly output: unknown;
}

export function success(output: unknown): CommandResult {
  return { exitCode: 0, output };
}

/** Exit 1: the command ran and found nothing to do, or the check it ran failed. */
export function noWork(output: unknown): CommandResult {
  return { exitCode: 1, output };
}
