import type { FsFacade } from '../../core/fs-facade.ts';
import { createRealFs } from '../../core/fs-facade.ts';

/**
 * Where the fault strikes: `tear` writes half of the first write's bytes and then fails; `rename`
 * fails the first rename before it happens (the data is fully written by then).
 */
export type FaultPoint = 'tear' | 'rename';

/**
 * `fail`: the call fails with ENOSPC and the writer carries on (it may clean up).
 * `crash`: the writer dies there; every later call fails too, so nothing is cleaned up.
 */
export type FaultMode = 'fail' | 'crash';

/** The error a simulated crash throws: no errno, so no code path mistakes it for an fs error. */
export class SimulatedCrash extends Error {}

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device (simulated)'), { code: 'ENOSPC' });
}

/** A real fs that fails once at `point`, as `mode` says. Closing a fd always really closes it. */
export function faultyFs(point: FaultPoint, mode: FaultMode): FsFacade {
  const real = createRealFs();
  let struck = false;
  let dead = false;
  const strike = (): never => {
    struck = true;
    if (mode === 'crash') {
      dead = true;
      throw new SimulatedCrash('simulated crash');
    }
    throw enospc();
  };
  const alive =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      if (dead) throw new SimulatedCrash('the writer has crashed');
      return fn(...args);
    };
  return {
    ...real,
    openExclusive: alive(real.openExclusive),
    openTruncate: alive(real.openTruncate),
    write: alive((fd: number, data: Uint8Array) => {
      if (point === 'tear' && !struck) {
        real.write(fd, data.subarray(0, Math.floor(data.length / 2)));
        strike();
      }
      real.write(fd, data);
    }),
    fsync: alive(real.fsync),
    fchmod: alive(real.fchmod),
    fchown: alive(real.fchown),
    close(fd) {
      real.close(fd);
      if (dead) throw new SimulatedCrash('the writer has crashed');
    },
    readFile: alive(real.readFile),
    rename: alive((from: string, to: string) => {
      if (point === 'rename' && !struck) strike();
      real.rename(from, to);
    }),
    link: alive(real.link),
    unlink: alive(real.unlink),
    mkdir: alive(real.mkdir),
    rmdir: alive(real.rmdir),
    readdir: alive(real.readdir),
    lstat: alive(real.lstat),
    fsyncDir: alive(real.fsyncDir),
  };
}
