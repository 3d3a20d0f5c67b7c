import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import process from 'node:process';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { errnoCode, isRacetrackError, RacetrackError } from '../../../core/errors.ts';
import { acquireLock } from '../../../core/lock/lock.ts';
import type { CommandResult } from '../command-result.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { parsePositiveInteger, requireOption } from './raw-options.ts';
import { openPostgresStore } from '../../../core/store/postgres-store.ts';
import { checkStoreUrl } from '../../../core/store/store-url.ts';
import { STORE, STORE_HELP } from '../store-option.ts';

/** The core lock's own defaults, which `racetrack lock` shows and passes on. */
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 5000;

const options = {
  timeout: { flags: '--timeout <ms>', description: "how long to wait for the lock before ETIMEOUT, counted from racetrack's start", default: String(DEFAULT_TIMEOUT_MS) },
  staleMs: { flags: '--stale-ms <ms>', description: "age past which a holder's lock may be broken although it lives: set it above COMMAND's longest run", default: String(DEFAULT_STALE_MS) },
  wait: { flags: '--no-wait', kind: 'flag', description: 'fail at once with ELOCKED if the lock is held' },
  store: { ...STORE, description: 'take the lock in a PostgreSQL store (postgres://…): FILE names a lease row there, --stale-ms is its lease' },
} as const;

const args = [
  { name: 'file', description: 'the lock file (created while held, removed after)', required: true },
  { name: 'command', description: "the command to run and its arguments (not through a shell: write sh -c '…' for one)", variadic: true, passedOn: true },
] as const;

/** What `racetrack lock` takes. */
export type LockInput = VerbInput<typeof options, typeof args>;

/** How the command ended: its exit code, or the signal that killed it. */
export interface CommandExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started command: a way to signal it, and how it ended (rejects if it could not start). */
export interface RunningCommand {
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<CommandExit>;
}

/** Starts `argv` with the caller's stdin, stdout and stderr: they are the command's, not racetrack's. */
export type CommandRunner = (argv: readonly string[]) => RunningCommand;

export const spawnCommand: CommandRunner = (argv) => {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
  let started = false;
  child.once('spawn', () => (started = true));
  return {
    kill(signal) {
      try {
        child.kill(signal);
      } catch {
        // Not ours to signal (a setuid command, say): it goes on, and we wait for it as before.
      }
    },
    exited: new Promise((resolve, reject) => {
      // Before 'spawn' an error means the command never started; after it, only that a signal
      // could not be delivered, and the command still runs: keep waiting for its exit.
      child.on('error', (err) => {
        if (!started) reject(err);
      });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    }),
  };
};

/**
 * The signals racetrack takes care of. All three end racetrack at once while it still waits for
 * the lock. Once the command runs, SIGTERM sent to racetrack is passed on to it; SIGINT and SIGHUP
 * are not, since a terminal sends them to its whole process group, the command included, and a
 * second copy would turn one Ctrl-C into a "force quit" for many programs.
 */
const TRAPPED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const FORWARDED: ReadonlySet<NodeJS.Signals> = new Set(['SIGTERM']);

/** The exit status a shell would give a command that ended so: its code, or 128 + the signal's number. */
export function exitStatus(exit: CommandExit): number {
  if (exit.code !== null) return exit.code;
  const n = exit.signal === null ? undefined : (constants.signals as Record<string, number | undefined>)[exit.signal];
  return 128 + (n ?? 0);
}

/**
 * Ends this process by `signal`, as the command it ran ended, so that a shell running racetrack
 * sees what it would have seen of the command (bash stops a script whose child died of SIGINT,
 * but carries on after a child that exited normally, even with status 130).
 */
export function dieBy(signal: NodeJS.Signals): void {
  for (const s of TRAPPED) process.removeAllListeners(s);
  process.kill(process.pid, signal);
  // Should the signal's default action not end us (a runtime that handles it itself), exit with
  // the status a shell would report.
  setTimeout(() => process.exit(exitStatus({ code: null, signal })), 200).unref?.();
}

/**
 * Takes the lock with `--timeout` counted from racetrack's own start, not from the moment its
 * runtime got round to asking: on a loaded machine starting a runtime takes seconds, and a caller
 * that said 5000 ms means 5000 ms of its own wait. The ETIMEOUT names the timeout as given.
 */
async function acquireWithin(file: string, timeoutMs: number, staleMs: number, wait: boolean, deps: Deps, store: string | undefined): Promise<{ release(): void | Promise<void> }> {
  const remaining = Math.max(0, timeoutMs - performance.now());
  try {
    if (store === undefined) return await acquireLock(file, { timeoutMs: remaining, staleMs, wait }, deps);
    const opened = await openPostgresStore(checkStoreUrl(store));
    try {
      await opened.ensureSchema();
      const lock = await opened.acquire(file, { timeoutMs: Math.max(1, remaining), leaseMs: staleMs, wait });
      return {
        release: () => lock.release().finally(() => opened.close()),
      };
    } catch (err) {
      await opened.close();
      throw err;
    }
  } catch (err) {
    if (!isRacetrackError(err, 'ETIMEOUT')) throw err;
    throw new RacetrackError('ETIMEOUT', `timed out after ${timeoutMs} ms (counted from racetrack's start) waiting for lock ${file}`, { ...err.details, timeoutMs });
  }
}

/**
 * `racetrack lock FILE -- COMMAND [ARGS...]`: takes the core lock at FILE (waiting in line, up to
 * `--timeout`), runs COMMAND holding it, and releases it when COMMAND ends. Ends as COMMAND ended
 * (its exit code, or by the same signal) and prints nothing of its own, so COMMAND's output
 * passes through untouched. racetrack's own failures — bad input, ETIMEOUT, ELOCKED with
 * `--no-wait`, a COMMAND that cannot start, a lock found compromised at release (COMMAND ran past
 * `--stale-ms` and the lock was broken) — print one JSON error on stdout and exit 2; the last one
 * also gives COMMAND's status.
 */
export async function runLock(input: LockInput, deps: Deps = defaultDeps(), run: CommandRunner = spawnCommand, die: (signal: NodeJS.Signals) => void = dieBy): Promise<CommandResult> {
  const file = requireOption('FILE', input.file);
  const timeoutMs = parsePositiveInteger('--timeout', input.timeout, DEFAULT_TIMEOUT_MS);
  const staleMs = parsePositiveInteger('--stale-ms', input.staleMs, DEFAULT_STALE_MS);
  // Options end at FILE, so a `--` between FILE and COMMAND arrives as the command's first word.
  const command = input.command[0] === '--' ? input.command.slice(1) : input.command;
  if (command.length === 0 || command[0]!.length === 0) {
    throw new RacetrackError('EINVALID', 'missing COMMAND: racetrack lock FILE -- COMMAND [ARGS...]', { option: 'COMMAND' });
  }
  // A signal while we wait ends racetrack at once: what it leaves (a queue entry, at worst a lock
  // just taken) names a dead process, which the next caller clears. Once the lock is held,
  // racetrack stays until the command ends, to release it.
  let holding = false;
  let running: RunningCommand | null = null;
  let pending: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!holding) return die(signal);
    if (running === null) pending ??= signal;
    else if (FORWARDED.has(signal)) running.kill(signal);
  };
  for (const signal of TRAPPED) process.on(signal, onSignal);
  try {
    const lock = await acquireWithin(file, timeoutMs, staleMs, input.wait, deps, input.store);
    holding = true;
    let exit: CommandExit;
    try {
      // Told to stop after the lock was taken but before the command started: it never runs.
      running = pending === null ? run(command) : null;
      exit = running === null ? { code: null, signal: pending } : await running.exited;
    } catch (err) {
      try {
        await lock.release();
      } catch {
        // The command never ran: that is the error to report.
      }
      // A command that is not there is ENOTFOUND, as an --exec command that is not there is; one that cannot be run, EINVALID.
      const errno = errnoCode(err);
      throw new RacetrackError(errno === 'ENOENT' ? 'ENOTFOUND' : 'EINVALID', `cannot run ${command[0]}: ${err instanceof Error ? err.message : String(err)}`, { command: command[0], errno }, err);
    }
    const status = exitStatus(exit);
    try {
      await lock.release();
    } catch (err) {
      const code = isRacetrackError(err) ? err.code : 'EIO';
      const details = isRacetrackError(err) ? err.details : {};
      throw new RacetrackError(
        code,
        `${err instanceof Error ? err.message : String(err)} while ${command[0]} ran (it exited with status ${status}); run longer commands with a larger --stale-ms`,
        { ...details, status },
        err,
      );
    }
    if (exit.signal !== null) die(exit.signal);
    return { exitCode: status, output: undefined };
  } finally {
    for (const signal of TRAPPED) process.off(signal, onSignal);
  }
}

/** `racetrack lock`. */
export const lockVerb = defineVerb({
  name: 'lock',
  summary: "run COMMAND holding the lock FILE, like flock(1): waiters take it in arrival order, a dead holder's lock is broken",
  usage: '[options] <file> [--] <command...>',
  passThroughOptions: true,
  arguments: args,
  options,
  details: [
    'Options go before FILE; everything after FILE is the command. racetrack prints nothing of its own',
    "and ends as COMMAND ended (its exit status, or by the same signal), so COMMAND's output passes through.",
    'Its own failures print one JSON error on stdout and exit 2: bad input, ETIMEOUT, ELOCKED,',
    'a COMMAND that cannot start, or a lock found compromised at release (COMMAND ran past --stale-ms).',
    'SIGINT, SIGTERM or SIGHUP while waiting end racetrack; once COMMAND runs, SIGTERM is passed on to it',
    '(a terminal sends SIGINT and SIGHUP to COMMAND itself), and the lock is released when it ends.',
    '',
    STORE_HELP,
    'With --store the lock is a lease row (expiry and generation): it ends --stale-ms after it was taken',
    'whether or not its holder lives, so a holder cut off from the server cannot keep it.',
  ].join('\n'),
  examples: [{ command: "racetrack lock --stale-ms 60000 state.lock -- sh -c 'n=$(cat count); echo $((n + 1)) > count'" }],
  exitCodes: [
    { code: 'N', meaning: "COMMAND's own exit status (or racetrack ends by the signal that ended COMMAND)" },
    { code: '2', meaning: "bad input, ETIMEOUT, ELOCKED, a COMMAND that cannot start, ECOMPROMISED (with COMMAND's status)" },
  ],
  run: (input, ctx) => runLock(input, ctx.deps),
});
