const DESCRIPTIONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  ENOTEMPTY: 'directory not empty',
  EBADF: 'bad file descriptor',
  EPERM: 'operation not permitted',
  EINVAL: 'invalid argument',
  EBUSY: 'resource busy or locked',
};

/**
 * An Error without a stack trace: the simulated disk and the fault injectors throw thousands of
 * expected errors a second (EEXIST on a held lock, a crash's sentinel on every later call), and
 * capturing a stack is most of what an Error costs.
 */
export function cheapError<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** An error shaped like Node's system errors (`code`, `syscall`, `path`), as the core expects. */
export function simError(code: string, syscall: string, path?: string, dest?: string): Error {
  const where = path === undefined ? '' : dest === undefined ? ` '${path}'` : ` '${path}' -> '${dest}'`;
  return Object.assign(
    cheapError(() => new Error(`${code}: ${DESCRIPTIONS[code] ?? 'error'}, ${syscall}${where}`)),
    {
      code,
      syscall,
      ...(path === undefined ? {} : { path }),
      ...(dest === undefined ? {} : { dest }),
    },
  );
}
