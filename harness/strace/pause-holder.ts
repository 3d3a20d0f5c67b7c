import process from 'node:process';
import { monotonicNs } from '../../core/runtime.ts';
import type { InjectRule } from './argv.ts';
import { lockHolds, type LockIdiom, type TracedHold } from './lock-idioms.ts';
import { parseTrace, type ParsedTrace, type SyscallRecord } from './parse.ts';
import { wallOffsetNs } from './run-traced.ts';

/**
 * `--pause` for an `--exec` command. strace's own `delay_exit` cannot aim at a lock acquisition:
 * its `when=` counts every call of a syscall per process, with no filter on arguments or on
 * success, so it delays the Nth `openat` (a library load, a failed O_EXCL attempt) as readily as
 * the one that took the lock. Instead racetrack reads the command's trace as strace writes it
 * (each line is written whole as it is printed) and, the moment a line shows a call that may have
 * taken a lock, stops strace itself (SIGSTOP); it then reads the trace so far, and when a lock
 * idiom's acquiring call has returned (lock-idioms.ts) and this holder claims the iteration's
 * pause, stops every process of the traced tree too (else strace is continued at once: a few ms of
 * standing still for the other workers). With its tracer stopped, no process of the tree gets past its next traced call (every
 * file, lock, fork and exit call waits for strace), so the holder is held at its first file
 * effect after the acquisition; the tree's own stop makes it hold still in between. The whole
 * process group is continued (SIGCONT) by the nemesis, past `--stale-ms`.
 *
 * How precise that is, is measured on every pause, from the trace: the calls the tree entered
 * between the acquisition's return and the stop (`slipped`), how long after the acquisition the
 * stop came, and whether the lock was already released by then (`late`: the pause held no holder,
 * and is not counted as one).
 */

/**
 * The gate: in an operation that may be paused, every call of the idioms' own acquiring syscalls
 * that a command makes rarely (flock, mkdir, link) is held at its exit for this long (strace's
 * `delay_exit`), after strace has printed it. The stop that follows a successful one then lands
 * while its process still stands at the call's exit: exact, whenever the worker reacts within the
 * gate. Not open (an O_EXCL lock file) nor fcntl (a record lock): a command makes hundreds of
 * those (library loads; bash's redirections), and holding each would stall it; for them the stop
 * lands as soon as the worker reacts, and the calls that slipped before it are counted.
 */
export const PAUSE_GATE_US = 100_000;
export const PAUSE_GATE_SYSCALLS = ['flock', 'mkdir', 'mkdirat', 'link', 'linkat', 'symlink', 'symlinkat'] as const;

/** The gate's strace rule, leaving out the syscalls another rule already tampers with (strace keeps one per syscall). */
export function pauseGate(taken: readonly InjectRule[]): InjectRule[] {
  const busy = new Set(taken.flatMap((r) => r.syscalls));
  const syscalls = PAUSE_GATE_SYSCALLS.filter((s) => !busy.has(s));
  return syscalls.length === 0 ? [] : [{ syscalls, delayExitUs: PAUSE_GATE_US }];
}

/** The history event a worker records for each pause it placed (or tried to). */
export const PAUSE_PLACED_EVENT = 'pause-placed';

/** Where a pause was placed in an `--exec` command, and how exactly (from the command's trace). */
export interface PlacedPause {
  readonly idiom: LockIdiom;
  readonly path: string;
  /** The process whose call took the lock. */
  readonly pid: number;
  /** The acquiring syscall (`flock`, `openat`, `mkdir`…). */
  readonly syscall: string;
  /** Whether strace and the tree were stopped at all (strace may have exited in between). */
  readonly stopped: boolean;
  /** ms from the acquiring call's return to the stop. */
  readonly stopLagMs: number;
  /** Traced calls the tree entered after the acquisition and before the stop; the first few by name. */
  readonly slipped: number;
  readonly slippedCalls: readonly string[];
  /** The lock had been released before the stop came: no holder was paused. */
  readonly late: boolean;
  /** ms from the stop to the tree's next traced call (its resume); null when it made none. */
  readonly pausedMs: number | null;
  /** A pause that held a lock holder still: stopped, and not late. */
  readonly effective: boolean;
  /** The acquiring call was held at its exit by the gate (PAUSE_GATE_SYSCALLS) when the stop came. */
  readonly gated: boolean;
}

/** Wall-clock seconds now, on strace's clock (`-ttt`), to the µs. */
const wallSeconds = () => (monotonicNs() + wallOffsetNs()) / 1e9;

/**
 * Lines that may complete a lock idiom's acquisition (a call that returned success): only then is
 * the trace so far read again (reading it takes ms, and a command makes hundreds of other calls).
 * A call another process's line interrupted completes in a `resumed>` line, which is checked too.
 * strace pads a short pid with spaces (`6193  1796…`), so the head is matched loosely.
 */
const MAY_ACQUIRE = [
  /^\d+\s+\S+\s+flock\(.*LOCK_EX.*\) += 0\b/m,
  /^\d+\s+\S+\s+fcntl\(.*F_(OFD_)?SETLKW?.*F_WRLCK.*\) += 0\b/m,
  /^\d+\s+\S+\s+(open|openat|openat2)\(.*O_CREAT.*O_EXCL.*\) += \d/m,
  /^\d+\s+\S+\s+creat\(.*\) += \d/m,
  /^\d+\s+\S+\s+(mkdir|mkdirat|link|linkat|symlink|symlinkat)\(.*lock.*\) += 0\b/im,
  /^\d+\s+\S+\s+<\.\.\. (flock|fcntl|open|openat|openat2|creat|mkdir|mkdirat|link|linkat|symlink|symlinkat) resumed>.*\) += \d/m,
];

/** Whether these trace lines hold a call that may have taken a lock (see MAY_ACQUIRE). */
export function mayHaveAcquired(lines: string): boolean {
  return MAY_ACQUIRE.some((re) => re.test(lines));
}

interface Stop {
  readonly hold: TracedHold;
  readonly by: SyscallRecord;
  readonly returnedAt: number;
  readonly stoppedAt: number;
  readonly stopped: boolean;
}

/** The tree's processes seen so far that have not ended: every pid in the trace and every child it forked. */
function liveTracees(trace: ParsedTrace): number[] {
  const pids = new Set<number>();
  for (const s of trace.syscalls) {
    pids.add(s.pid);
    if (['clone', 'clone3', 'fork', 'vfork'].includes(s.name) && s.result !== null && s.result > 0) pids.add(s.result);
  }
  for (const e of trace.ends) pids.delete(e.pid);
  return [...pids];
}

/**
 * One operation's pauser: fed the trace as it grows (runTraced's onTrace), it asks `claim` once,
 * at the first lock hold it sees, whether to pause this holder (the first holder of the iteration
 * claims the pause); if so it stops strace and the tree at once. `placed(trace)` then tells, from
 * the whole trace, where and how exactly the pause landed; null when none was claimed.
 */
export function holderPauser(claim: (hold: TracedHold) => boolean): {
  onTrace(text: string, stracePid: number): void;
  placed(trace: ParsedTrace): PlacedPause | null;
  resume(): void;
} {
  let decided = false;
  let seen = 0;
  let stop: Stop | null = null;
  // What was stopped, for resume(): strace, then the tree's processes.
  let stoppedPids: number[] = [];
  return {
    onTrace(text, stracePid) {
      if (decided) return;
      const fresh = text.slice(seen);
      seen = text.length;
      if (!mayHaveAcquired(fresh)) return;
      // Stop the tracer first, then look: the tree goes no further while the trace is read.
      let stopped = true;
      try {
        process.kill(stracePid, 'SIGSTOP');
      } catch {
        stopped = false; // strace is gone: the command has ended
      }
      const stoppedAt = wallSeconds();
      const trace = parseTrace(text);
      const hold = lockHolds(trace)[0];
      if (hold === undefined || !claim(hold)) {
        // Not a lock after all (a name without "lock", a lock this tree held already), or another
        // worker's pause: the tracer goes on, having stood still for the reading.
        if (hold !== undefined) decided = true;
        if (stopped) process.kill(stracePid, 'SIGCONT');
        return;
      }
      decided = true;
      if (stopped) {
        stoppedPids = [stracePid, ...liveTracees(trace)];
        for (const pid of stoppedPids.slice(1)) {
          try {
            process.kill(pid, 'SIGSTOP');
          } catch {
            // ended meanwhile: it holds nothing still
          }
        }
      }
      const by = trace.syscalls.find((s) => s.seq === hold.acquiredBy)!;
      stop = { hold, by, returnedAt: hold.acquiredAt, stoppedAt, stopped };
    },
    /**
     * Continues what it stopped (the tree, then strace). The engine does not need it: it continues
     * the worker's whole process group, strace and the tree with it; a caller that does not lead a
     * group does.
     */
    resume() {
      for (const pid of [...stoppedPids.slice(1), ...stoppedPids.slice(0, 1)]) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // ended meanwhile
        }
      }
      stoppedPids = [];
    },
    placed(trace) {
      if (stop === null) return null;
      const { hold, by, returnedAt, stoppedAt, stopped } = stop;
      const same = (s: SyscallRecord) => s.pid === by.pid && s.time === by.time && s.name === by.name;
      const acquiring = trace.syscalls.find(same);
      const whole = lockHolds(trace).find((h) => h.idiom === hold.idiom && h.path === hold.path && acquiring !== undefined && h.acquiredBy === acquiring.seq);
      const slipped = trace.syscalls.filter((s) => s.time > by.time && s.time < stoppedAt && !same(s));
      const after = [...trace.syscalls.map((s) => s.time), ...trace.ends.map((e) => e.time)].filter((t) => t >= stoppedAt);
      const late = whole !== undefined && whole.releasedAt !== null && whole.releasedAt <= stoppedAt;
      return {
        idiom: hold.idiom,
        path: hold.path,
        pid: hold.pid,
        syscall: by.name,
        stopped,
        stopLagMs: Math.round((stoppedAt - returnedAt) * 1e6) / 1e3,
        slipped: slipped.length,
        slippedCalls: slipped.slice(0, 5).map((s) => s.name),
        late,
        pausedMs: after.length === 0 ? null : Math.round((Math.min(...after) - stoppedAt) * 1e6) / 1e3,
        effective: stopped && !late,
        gated: acquiring?.delayed === true && stoppedAt - by.time <= by.duration + PAUSE_GATE_US / 1e6,
      };
    },
  };
}
