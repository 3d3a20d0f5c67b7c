import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { monotonicNs } from '../../core/runtime.ts';
import { RacetrackError } from '../../core/errors.ts';
import { straceArgv, type InjectRule } from './argv.ts';
import type { StraceInfo } from './detect.ts';
import { parseTrace, type ParsedTrace } from './parse.ts';
import { StopWatcher, stopRule, type StoppedAt, type SyscallPoint } from './stop-at.ts';

/** A command run under strace: how it ended, what it printed, and its trace. */
export interface TracedRun {
  /** Its exit code; null when a signal ended it (`signal`). */
  readonly code: number | null;
  readonly signal: string | null;
  /** The timeout ran out and racetrack killed it (`signal` is then SIGKILL). */
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly trace: ParsedTrace;
  /** Wall-clock seconds (strace's timestamps) → racetrack's monotonic ns. */
  toMonotonicNs(wallSeconds: number): number;
  /** With `stopAt`: where the process tree was stopped and killed, or null when the point was never reached. */
  readonly stoppedAt: StoppedAt | null;
}

export interface TracedRunOptions {
  readonly timeoutMs: number;
  readonly inject?: readonly InjectRule[];
  readonly syscalls?: readonly string[];
  /** Standard input for the command. */
  readonly input?: string | Uint8Array;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Kill the whole process tree right after this call (stop-at.ts): the command then runs in a
   * process group of its own, which is killed at once, strace with it.
   */
  readonly stopAt?: SyscallPoint;
  /**
   * Run strace and the command in a process group of their own, killed whole at the timeout (a
   * stop point implies it). Not for a command a nemesis must reach through its worker's group.
   */
  readonly ownGroup?: boolean;
  /**
   * Told the trace as it grows (whole lines only, all of them so far) and strace's pid, while the
   * command runs: for a nemesis that acts on what the command just did (pause-holder.ts).
   */
  readonly onTrace?: (text: string, stracePid: number) => void;
  /** Longest string argument strace prints (`-s`): large enough for whole writes when their data is replayed. Default 256. */
  readonly stringLimit?: number;
}

let calibrated: { offsetNs: number; atNs: number } | null = null;

/**
 * Wall-clock ns (strace's clock) minus racetrack's monotonic ns. Date.now() has only ms, so it is
 * read at the moment its ms changes (the wall clock then stands at that whole ms, to within a
 * loop's turn): µs-exact, where performance.timeOrigin is off by up to a ms and differs between
 * threads. The two clocks drift apart (NTP slews the wall clock), so it is read again after 1 s.
 */
export function wallOffsetNs(): number {
  const now = monotonicNs();
  if (calibrated !== null && now - calibrated.atNs < 1e9) return calibrated.offsetNs;
  let best = Number.POSITIVE_INFINITY;
  let offsetNs = 0;
  // The edge lies between the read before the last unchanged ms and the read after the changed
  // one; a turn preempted there widens the window, so try again, up to 20 edges (20 ms).
  for (let round = 0; round < 20 && best > 20_000; round++) {
    let tPrev = monotonicNs();
    const msPrev = Date.now();
    for (;;) {
      const t = monotonicNs();
      const ms = Date.now();
      if (ms === msPrev) {
        tPrev = t;
        continue;
      }
      const after = monotonicNs();
      if (ms === msPrev + 1 && after - tPrev < best) {
        best = after - tPrev;
        offsetNs = ms * 1e6 - Math.round((tPrev + after) / 2);
      }
      break;
    }
  }
  calibrated = { offsetNs, atNs: now };
  return offsetNs;
}

/**
 * Runs `command` under strace (following its forks) and reads the trace back. The trace goes to
 * a temporary directory of racetrack's own, removed once read. A command killed by a signal
 * (strace passes its fate on) resolves with `signal` set; at the timeout strace is killed, and it
 * resolves with `timedOut`. With `stopAt`, the command's process tree runs in a process group of
 * its own; the trace is read as strace writes it, and the moment the chosen call has returned in
 * the chosen process (which strace then holds stopped) the whole group is killed: a crash of
 * every process of the command at that point.
 */
export function runTraced(info: StraceInfo, command: readonly string[], o: TracedRunOptions): Promise<TracedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'racetrack-strace-'));
  const output = join(dir, 'trace');
  const inject = [...(o.inject ?? []), ...(o.stopAt === undefined ? [] : [stopRule(o.stopAt)])];
  // strace delivers an injected signal as the call returns, which it does not see for calls
  // seccomp-bpf lets pass unstopped (measured with strace 6.1: no SIGSTOP at all); a stop point
  // needs every traced call stopped.
  const traceWith = o.stopAt === undefined ? info : { ...info, seccompBpf: false };
  const argv = straceArgv(traceWith, command, {
    output,
    ...(o.syscalls === undefined ? {} : { syscalls: o.syscalls }),
    ...(o.stringLimit === undefined ? {} : { stringLimit: o.stringLimit }),
    inject,
  });
  const offset = wallOffsetNs();
  return new Promise<TracedRun>((done, reject) => {
    const detached = o.stopAt !== undefined || o.ownGroup === true;
    const child = spawn(argv[0]!, argv.slice(1), { detached, stdio: ['pipe', 'pipe', 'pipe'], ...(o.env === undefined ? {} : { env: o.env }) });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    let timedOut = false;
    let stoppedAt: StoppedAt | null = null;
    const kill = () => {
      try {
        if (detached && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, o.timeoutMs);
    // With stopAt: let every other process strace stops go on, and kill the group at the point.
    const watcher = o.stopAt === undefined ? null : new StopWatcher(o.stopAt);
    const onStop = (fresh: string) => {
      for (const action of watcher!.feed(fresh)) {
        if (action.kind === 'continue') {
          try {
            process.kill(action.pid, 'SIGCONT');
          } catch {
            // it died meanwhile
          }
        } else if (stoppedAt === null) {
          stoppedAt = action.at;
          kill();
        }
      }
    };
    const tail =
      watcher === null && o.onTrace === undefined
        ? undefined
        : tailFile(dir, output, (text, fresh) => {
            if (watcher !== null && stoppedAt === null) onStop(fresh);
            if (o.onTrace !== undefined && child.pid !== undefined) o.onTrace(text, child.pid);
          });
    child.on('error', (err) => {
      clearTimeout(timer);
      tail?.stop();
      rmSync(dir, { recursive: true, force: true });
      reject(new RacetrackError('EIO', `cannot run strace: ${err.message}`, { argv }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      tail?.stop();
      let text = '';
      try {
        text = readFileSync(output, 'utf8');
      } catch {
        text = '';
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      done({
        code: signal === null ? code : null,
        signal: signal === null ? (timedOut ? 'SIGKILL' : null) : signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        trace: parseTrace(text),
        toMonotonicNs: (wall) => Math.round(wall * 1e9) - offset,
        stoppedAt,
      });
    });
    child.stdin.on('error', () => {}); // a command that never reads its stdin may close it early
    child.stdin.end(o.input === undefined ? undefined : Buffer.from(o.input));
  });
}

/** How often a followed trace is read even without a change event (ms). */
const TAIL_POLL_MS = 1;

/**
 * Follows `file` (in `dir`, which holds nothing else) as strace writes it: strace writes each line
 * whole as it prints it, and the directory's change events (inotify) say when, with a poll beside
 * them. `onText` is told the whole lines written so far and those that are new, each time more
 * came. Stopped by the caller once the command ended.
 */
function tailFile(dir: string, file: string, onText: (text: string, fresh: string) => void): { stop(): void } {
  let text = '';
  let fd: number | null = null;
  let watcher: FSWatcher | null = null;
  const buffer = Buffer.alloc(64 * 1024);
  let partial = '';
  const pull = () => {
    try {
      fd ??= openSync(file, 'r');
    } catch {
      return; // strace has not created it yet
    }
    let grew = false;
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      partial += buffer.toString('utf8', 0, n);
      grew = true;
    }
    const cut = partial.lastIndexOf('\n');
    if (!grew || cut < 0) return;
    const fresh = partial.slice(0, cut + 1);
    text += fresh;
    partial = partial.slice(cut + 1);
    onText(text, fresh);
  };
  try {
    watcher = watch(dir, pull);
  } catch {
    watcher = null; // no inotify left for this user: the poll below alone
  }
  // And a poll, in case a change event is late or lost: a read that finds nothing costs µs.
  const poll = setInterval(pull, TAIL_POLL_MS);
  pull();
  return {
    stop() {
      clearInterval(poll);
      watcher?.close();
      watcher = null;
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
