import { RacetrackError } from '../../../core/errors.ts';
import type { ExecOutput, ExecRunner } from '../../../scenarios/suts/exec/exec-runner.ts';
import { createExecSut, parseAllocateOutput, parseClaimOutput, parseReserveOutput, plainRunner } from '../../../scenarios/suts/exec/exec-sut.ts';
import { IndeterminateError, runCommand, type CommandOptions } from '../../../scenarios/suts/exec/run-command.ts';
import { operationsOf } from '../../../scenarios/suts/sut.ts';
import { Crash, isCrash } from '../../sim/crash.ts';
import type { StraceInfo } from '../../strace/detect.ts';
import type { ParsedTrace } from '../../strace/parse.ts';
import { runTraced, type TracedRun } from '../../strace/run-traced.ts';
import type { StoppedAt, SyscallPoint } from '../../strace/stop-at.ts';
import type { FuzzSut } from '../fuzz-sut.ts';
import type { FuzzEvent } from '../fuzz-target.ts';
import { dirname } from 'node:path';
import { runStateCommand, type ExecFuzzSetup } from './exec-fuzz-setup.ts';

/** A crash point of a `fuzz --exec` case: right after a call of the `command`-th command the case runs (from 0). */
export interface ExecCrashPoint extends SyscallPoint {
  readonly command: number;
}

/** A command the case ran under strace: the operation it was, and its trace. */
export interface TracedCommand {
  readonly op: number;
  readonly trace: ParsedTrace;
}

/** Where a crash run's kill landed. */
export interface ExecLanding {
  readonly op: number;
  /** Whether the call it stopped after is the point's syscall (a process numbered otherwise in this run may have been stopped instead). */
  readonly intended: boolean;
  readonly at: StoppedAt;
  readonly trace: ParsedTrace;
}

/**
 * The commands of one case. Recording (no point): every command runs under strace, its trace kept
 * for the crash points. Crashing at `point`: the commands before it run plainly, the one it is in
 * runs under strace until the point, where its whole process tree is killed (a Crash, carrying
 * what the command had printed), and none runs after.
 */
export class CaseCommands implements ExecRunner {
  readonly tracesLocks = false;
  readonly traced: TracedCommand[] = [];
  landing: ExecLanding | null = null;
  private commands = 0;
  private readonly info: StraceInfo;
  private readonly point: ExecCrashPoint | null;
  /** The case's events, for the operation each command belongs to. */
  events: readonly FuzzEvent[] = [];

  /** Recording: the longest write data strace prints whole (`-s`), for a power-loss replay. */
  private readonly stringLimit: number | undefined;

  constructor(info: StraceInfo, point: ExecCrashPoint | null, stringLimit?: number) {
    this.info = info;
    this.point = point;
    this.stringLimit = stringLimit;
  }

  /** Commands started so far. */
  count(): number {
    return this.commands;
  }

  dead(): boolean {
    return this.landing !== null;
  }

  async run(argv: readonly string[], o: CommandOptions): Promise<ExecOutput> {
    if (this.landing !== null) throw new Crash('the case crashed before this command');
    const index = this.commands++;
    const op = this.events.findLast((e) => e.type === 'invoke')?.op ?? 0;
    if (this.point !== null && index < this.point.command) return runCommand(argv, o);
    const input = o.stdin === undefined ? {} : { input: o.stdin };
    if (this.point === null) {
      const r = await runTraced(this.info, argv, { timeoutMs: o.timeoutMs, ownGroup: true, ...input, ...(this.stringLimit === undefined ? {} : { stringLimit: this.stringLimit }) });
      this.traced.push({ op, trace: r.trace });
      return outputOf(r, argv);
    }
    const r = await runTraced(this.info, argv, { timeoutMs: o.timeoutMs, ownGroup: true, ...input, ...(index === this.point.command ? { stopAt: this.point } : {}) });
    if (r.stoppedAt === null) return outputOf(r, argv);
    this.landing = { op, at: r.stoppedAt, trace: r.trace, intended: r.stoppedAt.call.startsWith(`${this.point.syscall}(`) };
    const crash = new Crash(`killed right after ${r.stoppedAt.call}`);
    crash.value = r.stdout;
    throw crash;
  }
}

function outputOf(r: TracedRun, argv: readonly string[]): ExecOutput {
  if (r.code === null) throw new IndeterminateError(`${argv[0]} was ${r.timedOut ? 'killed at the timeout' : 'killed'} (${String(r.signal)})`);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/**
 * What a command killed at a crash point had already printed, read as its operation's result
 * (a reserver's IDs, an allocator's number): its caller has it. Undefined when it printed nothing
 * that reads as one.
 */
function printedResult(crash: Crash, parse: (stdout: string) => unknown): unknown {
  const stdout = typeof crash.value === 'string' ? crash.value : '';
  if (stdout.trim() === '') return undefined;
  try {
    return parse(stdout);
  } catch {
    return undefined;
  }
}

/**
 * The user's command as the fuzzer drives it: `racetrack run`'s `--exec` system under test, its
 * commands run by `runner`, marked foreign (racetrack never recovers, sweeps or locks its files:
 * `recover` runs the user's `--recover` when an operation of the case asks for it (given
 * `primitive`), and racetrack's checks never call it: the user's recovery runs after the crash), and with what a
 * killed reserver or allocator had printed kept as its result.
 */
export function execFuzzSut(setup: ExecFuzzSetup, runner: ExecRunner = plainRunner, primitive?: string): FuzzSut {
  const base = createExecSut(setup.command, setup.timeoutMs, runner);
  const keepPrinted =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>, parse: (stdout: string) => unknown) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (err) {
        if (isCrash(err)) err.value = printedResult(err, parse);
        throw err;
      }
    };
  // Every operation: a crash's raw output becomes the operation's result only where it reads as one.
  const nothing = () => undefined;
  return {
    ...base,
    description: `your own command: ${setup.command}`,
    overrides: operationsOf(base),
    foreign: { judgesLeftovers: setup.recover !== undefined, keep: setup.keep },
    allocate: keepPrinted(base.allocate!, (s) => ({ number: parseAllocateOutput(s).number })),
    reserve: keepPrinted(base.reserve!, parseReserveOutput),
    claim: keepPrinted(base.claim!, parseClaimOutput),
    write: keepPrinted(base.write!, nothing),
    update: keepPrinted(base.update!, nothing),
    guard: keepPrinted(base.guard!, nothing),
    // An operation of the case that recovers (the write target's): the user's --recover, if given.
    recover: async (file) => {
      if (primitive === undefined || setup.recover === undefined) return undefined;
      const r = await runStateCommand(setup.recover, '--recover', primitive, dirname(file), setup.timeoutMs);
      if (r.code !== 0) throw new RacetrackError('EEXEC', `--recover exited ${r.code ?? 'by a signal'}: ${r.output}`, { recover: setup.recover, exitCode: r.code });
      return undefined;
    },
    acquire: () => Promise.reject(new RacetrackError('EINVALID', 'a command takes its lock in its own process; fuzz --exec drives it whole')),
  };
}
