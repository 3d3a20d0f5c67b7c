import { readFileSync, realpathSync } from 'node:fs';
import * as os from 'node:os';
import { detectRuntime } from '../../core/runtime.ts';
import type { MachineInfo } from './bench-types.ts';

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** The CPU model as /proc/cpuinfo names it, else as Node reports it. */
function cpuModel(): string {
  const line = readOr('/proc/cpuinfo', '')
    .split('\n')
    .find((l) => l.startsWith('model name'));
  return line?.split(':').slice(1).join(':').trim() || os.cpus()[0]?.model || 'unknown';
}

/** The type of the file system holding `dir`: the longest mount point in /proc/self/mounts above it. */
export function filesystemOf(dir: string, mounts = readOr('/proc/self/mounts', '')): string {
  let path: string;
  try {
    path = realpathSync(dir);
  } catch {
    path = dir;
  }
  let best = { mount: '', type: 'unknown' };
  for (const line of mounts.split('\n')) {
    const [, mount, type] = line.split(' ');
    if (mount === undefined || type === undefined) continue;
    const m = mount.replace(/\\040/g, ' ');
    const above = m === '/' || path === m || path.startsWith(`${m}/`);
    if (above && m.length >= best.mount.length) best = { mount: m, type };
  }
  return best.mount === '' ? 'unknown' : `${best.type} (mounted at ${best.mount})`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Where the bench ran; `loadAtStart` is os.loadavg() taken when the bench began. */
export function machineInfo(loadAtStart: readonly number[]): MachineInfo {
  const runtime = detectRuntime();
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: cpuModel(),
    memoryGiB: round2(os.totalmem() / 2 ** 30),
    tmpdir: os.tmpdir(),
    tmpdirFilesystem: filesystemOf(os.tmpdir()),
    runtime: `${runtime.name} ${runtime.version}`,
    kernel: `${os.type()} ${os.release()}`,
    platform: `${os.platform()} ${os.arch()}`,
    loadAverage: { start: loadAtStart.map(round2), end: os.loadavg().map(round2) },
  };
}
