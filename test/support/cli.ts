import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scriptCommand, siblingModule } from '../../core/runtime.ts';

/** The racetrack CLI of the runtime running the tests: dist/harness/cli/main.js on Node, harness/cli/main.ts on Deno. */
export const cliPath = fileURLToPath(siblingModule(import.meta.url, '../../harness/cli/main'));

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

/** How a CLI process started with {@link startRacetrack} ended. */
export interface Ended {
  /** The exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
}

/** Starts the CLI without waiting for it; resolves how it ended, and its stdout. */
export function startRacetrack(args: readonly string[]): { pid: number; done: Promise<Ended> } {
  const [cmd, ...base] = scriptCommand(cliPath);
  const child = spawn(cmd!, [...base, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const done = new Promise<Ended>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout })));
  return { pid: child.pid!, done };
}

/** Polls `ready` every 50 ms until it holds; fails the test, naming `what`, after 30 s. */
export async function until(what: string, ready: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ready(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(ready(), `timed out waiting until ${what}`);
}
