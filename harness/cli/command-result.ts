/**
 * What a CLI verb produced: the exit code (0 success, 1 no work or a failed check, 2 bad input or
 * error; `lock` passes on its command's status) and what to print on stdout. `output` is printed
 * as one JSON line unless it is a string (the `--format simple` outputs), which is printed as is,
 * or undefined (`lock`, whose command owns stdout), which prints nothing.
 */
export interface CommandResult {
  readonly exitCode: number;
  readonly output: unknown;
}

export function success(output: unknown): CommandResult {
  return { exitCode: 0, output };
}

/** Exit 1: the command ran and found nothing to do, or the check it ran failed. */
export function noWork(output: unknown): CommandResult {
  return { exitCode: 1, output };
}
