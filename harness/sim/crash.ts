/**
 * What a crash point throws: the simulated process is dead from here on. It carries no errno
 * `code`, so no error handling in a primitive can mistake it for a file-system error and carry on
 * (core code rethrows anything without a code); and every later call on the same facade throws it
 * too, so cleanup in a `catch` or `finally` never reaches the disk.
 */
export class Crash extends Error {
  /**
   * What the dead process had already told its caller before it died, when that can be known (a
   * command killed after it printed its result): the caller has it, so it counts as acknowledged.
   */
  value?: unknown;

  constructor(message = 'simulated crash') {
    super(message);
    this.name = 'Crash';
  }
}

/** True when `err` is a simulated crash. */
export function isCrash(err: unknown): err is Crash {
  return err instanceof Crash;
}
