import { IndeterminateError } from '../../scenarios/suts/exec/exec-sut.ts';
import type { ExecRunner } from '../../scenarios/suts/exec/exec-runner.ts';
import { requireStrace, type StraceInfo } from './detect.ts';
import { lockHolds } from './lock-idioms.ts';
import { runTraced } from './run-traced.ts';

/**
 * The runner `--trace` hands the `--exec` system under test: each operation's process tree runs
 * under strace, and the lock idioms found in its syscalls (lock-idioms.ts) come back as its locks,
 * on the history's clock.
 */
export function tracedExecRunner(info: StraceInfo): ExecRunner {
  return {
    tracesLocks: true,
    async run(argv, timeoutMs) {
      const r = await runTraced(info, argv, { timeoutMs });
      if (r.code === null) throw new IndeterminateError(`${argv[0]} was ${r.timedOut ? 'killed at the timeout' : 'killed'} (${String(r.signal)})`);
      const locks = lockHolds(r.trace).map((h) => ({
        idiom: h.idiom,
        path: h.path,
        pid: h.pid,
        invokedNs: r.toMonotonicNs(h.invokedAt),
        acquiredNs: r.toMonotonicNs(h.acquiredAt),
        releasedNs: h.releasedAt === null ? null : r.toMonotonicNs(h.releasedAt),
      }));
      return { code: r.code, stdout: r.stdout, stderr: r.stderr, locks };
    },
  };
}

/** The runner for a run's `--exec` commands: under strace with `--trace` (EINVALID without strace), else the plain spawn. */
export function execRunnerFor(trace: boolean | undefined): ExecRunner | undefined {
  return trace === true ? tracedExecRunner(requireStrace('--trace')) : undefined;
}
