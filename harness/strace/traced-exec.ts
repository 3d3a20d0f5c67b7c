import { IndeterminateError } from '../../scenarios/suts/exec/run-command.ts';
import type { ExecRunner } from '../../scenarios/suts/exec/exec-runner.ts';
import { seededRandom } from '../stats/prng.ts';
import { requireStrace, type StraceInfo } from './detect.ts';
import { errorTargets, landedFaults, planFaults, type LandedFault, type SyscallFaultOptions } from './faults.ts';
import { lockHolds, type TracedHold } from './lock-idioms.ts';
import { holderPauser, pauseGate, type PlacedPause } from './pause-holder.ts';
import { runTraced } from './run-traced.ts';

/** A traced runner, and where it tells of each fault it planned (the worker's history). */
export interface TracedExecRunner extends ExecRunner {
  onFault: ((fault: LandedFault) => void) | undefined;
  /** `--pause`: asked at an operation's first lock hold, as it happens, whether to stop the command there (pause-holder.ts). */
  onHold: ((hold: TracedHold) => boolean) | undefined;
  /** Told where each pause it placed landed, once the command ended. */
  onPaused: ((pause: PlacedPause) => void) | undefined;
}

/**
 * The runner `--trace` hands the `--exec` system under test: each operation's process tree runs
 * under strace, and the lock idioms found in its syscalls (lock-idioms.ts) come back as its locks,
 * on the history's clock. With syscall faults, each operation gets its own (planFaults, from
 * `random`), and each one planned is told to `onFault` with where it landed, or that it did not.
 */
export function tracedExecRunner(info: StraceInfo, faults: SyscallFaultOptions = {}, random: () => number = Math.random): TracedExecRunner {
  // The write, sync and rename calls the command made last time (errorTargets), for --errors to aim at.
  let seen = new Map<string, number>();
  const runner: TracedExecRunner = {
    tracesLocks: true,
    onFault: undefined,
    onHold: undefined,
    onPaused: undefined,
    async run(argv, o) {
      const plan = planFaults(faults, random, seen);
      const pauser = runner.onHold === undefined ? undefined : holderPauser(runner.onHold);
      const r = await runTraced(info, argv, {
        timeoutMs: o.timeoutMs,
        ...(o.stdin === undefined ? {} : { input: o.stdin }),
        inject: [...plan.map((p) => p.rule), ...(pauser === undefined ? [] : pauseGate(plan.map((p) => p.rule)))],
        ...(pauser === undefined ? {} : { onTrace: pauser.onTrace }),
      });
      const placed = pauser?.placed(r.trace);
      if (placed != null) runner.onPaused?.(placed);
      // Learnt only from an operation that ran whole (no injected error cut it short).
      if (r.code === 0 && !r.trace.syscalls.some((s) => s.injected)) seen = errorTargets(r.trace);
      const landed = landedFaults(plan, r.trace);
      for (const f of landed) runner.onFault?.(f);
      // An error injected into the command's output to racetrack (stdout is a pipe) garbles its report, not its files.
      if (landed.some((f) => f.kind === 'error' && f.landed > 0 && !f.onFiles)) throw new IndeterminateError(`${argv[0]}: an injected error hit its output, not its files; its outcome is unknown`);
      if (r.code === null) throw new IndeterminateError(`${argv[0]} was ${r.timedOut ? 'killed at the timeout' : 'killed'} (${String(r.signal)})`);
      const locks = lockHolds(r.trace).map((h) => ({
        idiom: h.idiom,
        path: h.path,
        pid: h.pid,
        invokedNs: r.toMonotonicNs(h.invokedAt),
        acquiredNs: r.toMonotonicNs(h.acquiredAt),
        releasedNs: h.releasedAt === null ? null : r.toMonotonicNs(h.releasedAt),
      }));
      const error = landed.find((f) => f.kind === 'error' && f.landed > 0);
      const injectedError = error === undefined ? undefined : /error=(\w+)/.exec(error.planned)?.[1];
      return { code: r.code, stdout: r.stdout, stderr: r.stderr, locks, ...(injectedError === undefined ? {} : { injectedError }) };
    },
  };
  return runner;
}

/** What a run asks of strace: `--trace`, and the syscall faults (which imply it). */
export interface TraceSetup {
  readonly trace?: boolean;
  /** `--pause`: lock holders are found and stopped through strace (pause-holder.ts). */
  readonly pause?: boolean;
  readonly faults?: SyscallFaultOptions;
}

/** Whether a setup asks for any syscall fault. */
export function hasSyscallFaults(f: SyscallFaultOptions | undefined): boolean {
  return f !== undefined && ((f.jitterUs ?? 0) > 0 || ((f.errorRate ?? 0) > 0 && (f.errors ?? []).length > 0));
}

/**
 * The runner for a run's `--exec` commands: under strace with `--trace`, `--pause` or a syscall fault
 * (EINVALID without strace, naming the option), else the plain spawn. `seeds`: the run's seed and
 * the worker, for the faults' random choices.
 */
export function execRunnerFor(s: TraceSetup, ...seeds: number[]): TracedExecRunner | undefined {
  const faulty = hasSyscallFaults(s.faults);
  if (s.trace !== true && s.pause !== true && !faulty) return undefined;
  const option = s.trace === true ? '--trace' : s.pause === true ? '--pause' : (s.faults?.jitterUs ?? 0) > 0 ? '--jitter' : '--errors';
  return tracedExecRunner(requireStrace(option, { inject: faulty }), s.faults ?? {}, seededRandom(...(seeds.length === 0 ? [Date.now()] : seeds)));
}
