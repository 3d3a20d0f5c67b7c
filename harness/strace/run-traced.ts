import { Buffer } from 'node:buffer';
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicNs } from '../../core/runtime.ts';
import { RacetrackError } from '../../core/errors.ts';
import { straceArgv, type InjectRule } from './argv.ts';
import type { StraceInfo } from './detect.ts';
import { parseTrace, type ParsedTrace } from './parse.ts';

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
}

export interface TracedRunOptions {
  readonly timeoutMs: number;
  readonly inject?: readonly InjectRule[];
  readonly syscalls?: readonly string[];
  /** Standard input for the command. */
  readonly input?: string | Uint8Array;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Told the trace as it grows (whole lines only, all of them so far) and strace's pid, while the
   * command runs: for a nemesis that acts on what the command just did (pause-holder.ts).
   */
  readonly onTrace?: (text: string, stracePid: number) => void;
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
 * (strace passes its fate on) resolves with `signal` set; at the timeout strace is killed (and
 * with it its tracees), and it resolves with `timedOut`.
 */
export function runTraced(info: StraceInfo, command: readonly string[], o: TracedRunOptions): Promise<TracedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'racetrack-strace-'));
  const output = join(dir, 'trace');
  const argv = straceArgv(info, command, { output, ...(o.syscalls === undefined ? {} : { syscalls: o.syscalls }), ...(o.inject === undefined ? {} : { inject: o.inject }) });
  const offset = wallOffsetNs();
  return new Promise<TracedRun>((done, reject) => {
    let tail: { stop(): void } | undefined;
    const child = execFile(
      argv[0]!,
      argv.slice(1),
      { timeout: o.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', ...(o.env === undefined ? {} : { env: o.env }) },
      (err, stdout, stderr) => {
        tail?.stop();
        let text = '';
        try {
          text = readFileSync(output, 'utf8');
        } catch {
          text = '';
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        const e = err as { code?: unknown; signal?: unknown; killed?: boolean } | null;
        if (e !== null && typeof e.code !== 'number' && typeof e.signal !== 'string') {
          return reject(new RacetrackError('EIO', `cannot run strace: ${(err as Error).message}`, { argv }));
        }
        done({
          code: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
          signal: e !== null && typeof e.signal === 'string' ? e.signal : null,
          timedOut: e !== null && e.killed === true,
          stdout,
          stderr,
          trace: parseTrace(text),
          toMonotonicNs: (wall) => Math.round(wall * 1e9) - offset,
        });
      },
    );
    if (o.onTrace !== undefined && child.pid !== undefined) tail = tailFile(dir, output, (text) => o.onTrace!(text, child.pid!));
    if (o.input !== undefined) child.stdin?.end(o.input);
    else child.stdin?.end();
  });
}

/** How often a followed trace is read even without a change event (ms). */
const TAIL_POLL_MS = 1;

/**
 * Follows `file` (in `dir`, which holds nothing else) as strace writes it: strace writes each line
 * whole as it prints it, and the directory's change events (inotify) say when, with a poll beside
 * them. `onText` is told
 * the whole lines written so far, each time more came. Stopped by the caller once the command ended.
 */
function tailFile(dir: string, file: string, onText: (text: string) => void): { stop(): void } {
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
    text += partial.slice(0, cut + 1);
    partial = partial.slice(cut + 1);
    onText(text);
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
