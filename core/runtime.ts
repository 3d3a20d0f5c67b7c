// The one module that knows which runtime racetrack is on. Everything else uses `node:` builtins,
// which Node provides natively and Deno 2 through its Node compatibility layer; what differs
// between the two (how to name the runtime, how to start another copy of it) sits here.
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { threadId } from 'node:worker_threads';

/** Which runtime is executing racetrack, and its version. */
export interface RuntimeInfo {
  readonly name: 'node' | 'deno';
  readonly version: string;
}

interface DenoGlobal {
  version: { deno: string };
}

function denoGlobal(): DenoGlobal | undefined {
  return (globalThis as { Deno?: DenoGlobal }).Deno;
}

/** Tells Node from Deno by what `globalThis` holds (as tinybench's detectRuntime does). */
export function detectRuntime(): RuntimeInfo {
  const deno = denoGlobal();
  if (deno !== undefined) return { name: 'deno', version: deno.version.deno };
  return { name: 'node', version: process.versions.node };
}

/** Who we are, as written into lock owner records and temp names. */
export interface Identity {
  readonly pid: number;
  readonly threadId: number;
  readonly host: string;
  /** Process start time in clock ticks since boot (Linux), or null where it cannot be read. */
  readonly startTime: number | null;
  /**
   * The PID space the pid belongs to: this boot's id and the PID namespace, as
   * `<boot id>:<pid namespace inode>`. Two processes can judge each other's pids only when these
   * are equal (same kernel, same boot, same namespace: a container sharing a volume with the host
   * may have the same host name and a pid that names another process here). null where it cannot
   * be read, or where /proc shows another namespace than ours: then the pid proves nothing.
   */
  readonly pidSpace: string | null;
}

/**
 * Reads a process's start time from /proc (field 22 of /proc/PID/stat). Together with the pid it
 * identifies a process for life: a recycled pid has a different start time.
 */
export function processStartTime(pid: number): number | null {
  try {
    const stat = nodeFs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

function readTrimmed(path: string, read: (p: string) => string): string | null {
  try {
    const text = read(path).trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

/**
 * This process's PID space (see {@link Identity.pidSpace}): the boot id, and the inode of our PID
 * namespace, provided /proc is the procfs of that namespace (its `self` is our pid; after an
 * `unshare --pid` without a fresh /proc it is not, and /proc/N would name other processes).
 */
export function readPidSpace(pid: number = process.pid): string | null {
  const boot = readTrimmed('/proc/sys/kernel/random/boot_id', (p) => nodeFs.readFileSync(p, 'utf8'));
  const ns = readTrimmed('/proc/self/ns/pid', (p) => nodeFs.readlinkSync(p));
  const self = readTrimmed('/proc/self/stat', (p) => nodeFs.readFileSync(p, 'utf8'));
  const m = ns === null ? null : /^pid:\[(\d+)\]$/.exec(ns);
  if (boot === null || m === null || self === null || Number.parseInt(self, 10) !== pid) return null;
  return `${boot}:${m[1]}`;
}

const spaceTags = new Map<string, string>();

/**
 * A PID space as 12 hex digits (of its SHA-256), short enough for file names: lock records, queue
 * entries and temp names carry it, and a pid in a name is judged only when its tag is ours. null
 * for an unknown space. Two spaces share a tag with odds of 2^-48.
 */
export function pidSpaceTag(pidSpace: string | null): string | null {
  if (pidSpace === null) return null;
  let tag = spaceTags.get(pidSpace);
  if (tag === undefined) {
    tag = createHash('sha256').update(pidSpace).digest('hex').slice(0, 12);
    spaceTags.set(pidSpace, tag);
  }
  return tag;
}

let cachedIdentity: Identity | undefined;

/** This thread's identity (pid, thread id, host name, process start time). */
export function currentIdentity(): Identity {
  if (cachedIdentity === undefined || cachedIdentity.pid !== process.pid) {
    cachedIdentity = {
      pid: process.pid,
      threadId,
      host: os.hostname(),
      startTime: processStartTime(process.pid),
      pidSpace: readPidSpace(process.pid),
    };
  }
  return cachedIdentity;
}

/**
 * Whether a recorded process is certainly gone: it ran in our PID space (same boot, same PID
 * namespace: its PID-space tag, as lock records and file names carry it, is ours) and its pid is
 * absent here or now names a process that started at another time (a recycled pid). Anything else
 * (another host, a container, an older record that names no PID space) is no proof of death: only
 * a lease can end such a holder's claim.
 */
export function isProvablyDead(holder: { readonly pid: number; readonly startTime: number | null; readonly space: string | null }, me: Identity): boolean {
  const mine = pidSpaceTag(me.pidSpace);
  if (holder.space === null || mine === null || holder.space !== mine) return false;
  if (holder.pid === me.pid) return false; // a thread of our own process: alive as long as we are
  return !isProcessAlive(holder.pid, holder.startTime);
}

/**
 * Whether a process of our PID space is alive and is the same process that was recorded: a pid
 * that exists now but started at another time was recycled, and counts as dead. Use
 * {@link isProvablyDead} for a pid read from a file, which may come from another PID space.
 */
export function isProcessAlive(pid: number, startTime: number | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (process.platform === 'linux') {
    const now = processStartTime(pid);
    if (now === null) return false;
    return startTime === null || now === startTime;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * The URL of a module next to `metaUrl` (pass `import.meta.url`), with the extension the caller
 * itself has: `.ts` when the sources run unbuilt (Deno), `.js` in the tsc output (Node).
 */
export function siblingModule(metaUrl: string, relativeWithoutExt: string): URL {
  const ext = metaUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${relativeWithoutExt}${ext}`, metaUrl);
}

/** The argv that runs the script at `scriptPath` on the current runtime, as a child process. */
export function scriptCommand(scriptPath: string): string[] {
  if (detectRuntime().name === 'deno') return [process.execPath, 'run', '-A', scriptPath];
  return [process.execPath, scriptPath];
}

// Deno's process.hrtime counts from each process's (and thread's) own start, so its readings
// cannot be compared between workers. There we anchor it once, at load, to the wall clock
// (performance.timeOrigin + now, sub-microsecond), which every process shares: readings stay
// monotonic within a process and comparable across processes to within the anchoring error.
const hrtimeAnchor = detectRuntime().name === 'deno' ? BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)) - process.hrtime.bigint() : 0n;

/**
 * Nanoseconds on a clock shared by every thread and process of the machine: CLOCK_MONOTONIC on
 * Node; on Deno, a per-process monotonic clock anchored to the wall clock.
 */
export function monotonicNs(): number {
  return Number(process.hrtime.bigint() + hrtimeAnchor);
}
