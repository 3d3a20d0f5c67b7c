import { spawn, spawnSync } from 'node:child_process';
import process from 'node:process';
import type { WorkerOutcome } from './contention-loop.ts';
import type { ScriptLoop } from '../../scenarios/suts/sut.ts';
import { encodeHistogram, newHistogram, recordMs } from '../stats/hdr.ts';

/** What one script worker printed, read back into counts and histograms. */
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

/** A script worker, started: `ready` once it has said so, `output` its stdout once it exits. */
interface ScriptChild {
  readonly ready: Promise<void>;
  readonly output: Promise<string>;
  go(startUs: number, endUs: number): void;
}

function startScript(script: ScriptLoop, args: readonly string[]): ScriptChild {
  const argv = script.interpreter === 'bash' ? ['-c', script.source, 'racetrack-flock-bench', ...args] : ['-c', script.source, ...args];
  const child = spawn(script.interpreter, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let out = '';
  let err = '';
  let said = false;
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const output = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
      if (!said && err.startsWith('ready\n')) {
        said = true;
        err = err.slice('ready\n'.length);
        onReady();
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`the ${script.interpreter} bench worker exited with ${code}: ${err.trim()}`))));
  });
  // A worker that dies before it is ready must not leave the others waiting for it.
  output.then(onReady, onReady);
  child.stdin.on('error', () => {}); // a worker that died: its exit says why
  return { ready, output, go: (startUs, endUs) => child.stdin.end(`${startUs} ${endUs}\n`) };
}

const usable = new Map<string, string | null>();

/**
 * Why `script` cannot run on this machine (bash 5 with flock(1), or python3 with fcntl), or null
 * when it can. Asked once per interpreter.
 */
export function scriptUnavailable(script: ScriptLoop): string | null {
  const probe = script.interpreter === 'bash' ? ['bash', ['-c', 'command -v flock >/dev/null && (( BASH_VERSINFO[0] >= 5 ))']] : ['python3', ['-c', 'import fcntl']];
  const key = script.interpreter;
  if (!usable.has(key)) {
    const r = spawnSync(probe[0] as string, probe[1] as string[], { stdio: 'ignore' });
    usable.set(key, r.status === 0 ? null : script.interpreter === 'bash' ? 'needs bash 5 and flock(1) on this machine' : 'needs python3 (with its fcntl module) on this machine, and it is absent');
  }
  return usable.get(key)!;
}

/**
 * Runs `workers` script processes (bash driving flock(1), or Python calling flock(2)) on one
 * shared file for `durationMs`. Each says when it is up; then all are given the same start, a
 * wall-clock instant (bash has no monotonic clock without a fork) a little ahead, and the end.
 */
export async function runFlockWorkers(o: { script: ScriptLoop; op: string; lockPath: string; countersFile: string; workers: number; durationMs: number; durable: boolean }): Promise<WorkerOutcome[]> {
  const args = [o.lockPath, o.countersFile, '-', '-', o.durable ? '1' : '0', o.op];
  const children = Array.from({ length: o.workers }, () => startScript(o.script, args));
  await Promise.all(children.map((c) => c.ready));
  const startUs = Math.round((Date.now() + 20 + 2 * o.workers) * 1000);
  const endUs = startUs + Math.round(o.durationMs * 1000);
  for (const c of children) c.go(startUs, endUs);
  const outputs = await Promise.all(children.map((c) => c.output));
  return outputs.map((stdout, worker) => parseFlockOutput(worker, stdout, startUs));
}
