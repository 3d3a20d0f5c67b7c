import { execFile } from 'node:child_process';
import { RacetrackError } from '../../../core/errors.ts';

/** How a command ended: its exit code and what it printed. */
export interface CommandOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An outcome nobody knows (the command timed out or died by a signal): recorded as `info`. */
export class IndeterminateError extends Error {
  readonly code = 'EINDETERMINATE';
  readonly indeterminate = true;
}

/** What a command run is given besides its argv. */
export interface CommandOptions {
  readonly timeoutMs: number;
  /** Bytes for its stdin (else stdin is empty). */
  readonly stdin?: Uint8Array;
}

/**
 * The one place a user's command (`--exec`, `--setup`, `--recover`) is started: as an argv array,
 * never through a shell, in the caller's process group, so that a nemesis that kills a worker's
 * group kills the command and everything it started with it. Resolves with its exit code and
 * output; rejects with IndeterminateError when it timed out or died by a signal, and with EIO when
 * it could not be started.
 */
export function runCommand(argv: readonly string[], o: CommandOptions): Promise<CommandOutput> {
  return new Promise((done, reject) => {
    const child = execFile(argv[0]!, argv.slice(1), { timeout: o.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err === null) return done({ code: 0, stdout, stderr });
      const e = err as { code?: unknown; signal?: unknown; killed?: boolean };
      if (typeof e.code === 'number') return done({ code: e.code, stdout, stderr });
      if (e.killed || typeof e.signal === 'string') return reject(new IndeterminateError(`${argv[0]} was killed (${String(e.signal)})`));
      reject(new RacetrackError('EIO', `cannot run ${argv[0]}: ${err.message}`, { argv }));
    });
    child.stdin?.on('error', () => {}); // a command that never reads its stdin may close it early
    child.stdin?.end(o.stdin === undefined ? undefined : Buffer.from(o.stdin));
  });
}
