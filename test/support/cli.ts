import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scriptCommand, siblingModule } from '../../core/runtime.ts';

/** The racetrack CLI of the runtime running the tests: dist/harness/cli.js on Node, harness/cli.ts on Deno. */
export const cliPath = fileURLToPath(siblingModule(import.meta.url, '../../harness/cli'));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (throws when it is not). */
  json(): Record<string, unknown>;
}

/**
 * Runs the real CLI as a child process. `timeoutMs` ends it with SIGTERM when it runs longer (its
 * code is then -1), for a case that must end at once rather than hang the suite.
 */
export function racetrack(args: readonly string[], options: { input?: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliRun {
  const [cmd, ...base] = scriptCommand(cliPath);
  const r = spawnSync(cmd!, [...base, ...args], {
    input: options.input ?? '',
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    json: () => JSON.parse(r.stdout) as Record<string, unknown>,
  };
}
