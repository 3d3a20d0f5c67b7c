import { spawn } from 'node:child_process';
import process from 'node:process';
import type { WorkerOutcome } from './contention-loop.ts';
import { flockFromBash } from '../../scenarios/suts/peers/flock.ts';
import { encodeHistogram, newHistogram, recordMs } from '../stats/hdr.ts';

/** What one bash worker printed, read back into counts and histograms. */
export function parseFlockOutput(worker: number, stdout: string, startUs: number): WorkerOutcome {
  const wait = newHistogram();
  const hold = newHistogram();
  const op = newHistogram();
  let ops = 0;
  let errors = 0;
  let lastUs = startUs;
  const errorSamples = new Set<string>();
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('E ')) {
      errors++;
      if (errorSamples.size < 3) errorSamples.add(line.slice(2));
      continue;
    }
    const [t0, t1, t2, t3] = line.split(' ').map(Number) as [number, number, number, number];
    if (![t0, t1, t2, t3].every(Number.isFinite)) throw new Error(`flock worker ${worker} printed an unreadable line: ${line}`);
    recordMs(wait, (t1 - t0) / 1000);
    recordMs(hold, (t2 - t1) / 1000);
    recordMs(op, (t3 - t0) / 1000);
    lastUs = Math.max(lastUs, t3);
    ops++;
  }
  return { worker, ops, errors, errorSamples: [...errorSamples], elapsedNs: (lastUs - startUs) * 1000, wait: encodeHistogram(wait), hold: encodeHistogram(hold), op: encodeHistogram(op) };
}

function runBash(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', flockFromBash.script!.bash, 'racetrack-flock-bench', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`the flock bash worker exited with ${code}: ${err.trim()}`))));
  });
}

/**
 * Runs `workers` bash processes driving flock(1) on one counters file for `durationMs`. The start
 * is a wall-clock instant (bash has no monotonic clock without a fork), far enough ahead for every
 * bash to be up.
 */
export async function runFlockWorkers(o: { lockPath: string; countersFile: string; workers: number; durationMs: number; durable: boolean }): Promise<WorkerOutcome[]> {
  const startUs = Math.round((Date.now() + 150 + 10 * o.workers) * 1000);
  const endUs = startUs + Math.round(o.durationMs * 1000);
  const args = [o.lockPath, o.countersFile, String(startUs), String(endUs), o.durable ? '1' : '0'];
  const outputs = await Promise.all(Array.from({ length: o.workers }, () => runBash(args)));
  return outputs.map((stdout, worker) => parseFlockOutput(worker, stdout, startUs));
}
