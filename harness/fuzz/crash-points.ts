import type { CrashPoint } from '../sim/crash-fs.ts';
import type { FsCall } from '../sim/fs-call.ts';

/**
 * The crash points worth checking for a process that made `calls` (in a clean run): before each
 * call, and in the middle of each write after 1, half and all-but-one of its bytes. "After call i"
 * leaves the same disk as "before call i+1" (nothing reaches the disk between two calls) and knows
 * of fewer results, so the `before` points cover it; after the last call is the clean run itself.
 */
export function crashPoints(calls: readonly FsCall[]): CrashPoint[] {
  const points: CrashPoint[] = [];
  for (const call of calls) {
    points.push({ call: call.index, phase: 'before' });
    if (call.method !== 'write') continue;
    const n = call.args[1] as number;
    for (const bytes of new Set([1, Math.floor(n / 2), n - 1])) {
      if (bytes > 0 && bytes < n) points.push({ call: call.index, phase: 'mid', bytes });
    }
  }
  return points;
}

/** `before call 3 (rename)`, `mid-write of call 1 after 6 bytes`, `none (the clean run)`. */
export function describeCrashPoint(point: CrashPoint | null, calls: readonly FsCall[] = []): string {
  if (point === null) return 'none: the run completed, then the process was gone';
  const method = calls[point.call]?.method;
  const what = method === undefined ? `call ${point.call}` : `call ${point.call} (${method})`;
  if (point.phase === 'mid') return `in the middle of ${what}, after ${point.bytes} bytes`;
  return `${point.phase} ${what}`;
}
