import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectRuntime } from '../../core/runtime.ts';
import { RacetrackError } from '../../core/errors.ts';
import { measureOverhead } from '../bench/overhead.ts';
import { success, type CommandResult } from '../command-result.ts';

/** A measured ratio beside its target from DESIGN.md. */
export interface RatioReport {
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
}

/**
 * `racetrack bench`: measures, in one run on this machine, how much the harness costs over the
 * same work done bare (DESIGN.md: the 100 x 10 allocate scenario within 1.5x a bare 10-thread
 * loop). Ratios are reported, never asserted.
 */
export async function runBench(o: { iterations: string; workers: string; out?: string }, stderr: (s: string) => void): Promise<CommandResult> {
  const iterations = Number(o.iterations);
  const workers = Number(o.workers);
  if (!Number.isInteger(iterations) || iterations < 1) throw new RacetrackError('EINVALID', '--iterations must be a positive integer', { iterations: o.iterations });
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new RacetrackError('EINVALID', '--workers must be an integer from 1 to 256', { workers: o.workers });
  stderr(`racetrack bench: harness overhead (${iterations} x ${workers} allocate vs a bare ${workers}-thread loop)...\n`);
  const overhead = await measureOverhead(iterations, workers);
  const ratios: Record<string, RatioReport> = {
    harnessOverhead: { value: overhead.harnessOverhead, target: '<= 1.5', met: overhead.harnessOverhead <= 1.5 },
  };
  const report = { runtime: detectRuntime(), measuredAt: new Date().toISOString(), overhead, ratios };
  if (o.out !== undefined) {
    const dir = resolve(o.out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
  for (const [name, r] of Object.entries(ratios)) stderr(`  ${name}: ${r.value.toFixed(2)} (target ${r.target}) ${r.met ? 'met' : 'NOT met'}\n`);
  return success(report);
}
