import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RacetrackError } from '../../../core/errors.ts';
import { detectRuntime } from '../../../core/runtime.ts';
import { renderSelftestMarkdown } from '../../../reports/selftest-markdown.ts';
import type { CommandResult } from '../command-result.ts';
import { runSelftest } from '../../selftest/selftest.ts';
import { makeDirs } from '../../engine/make-dirs.ts';

export interface SelftestCommandOptions {
  readonly runs: string;
  readonly out?: string;
  readonly iterations: string;
  readonly workers: string;
  readonly isolation: string;
  readonly seed?: string;
}

function positiveInt(flag: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > max) throw new RacetrackError('EINVALID', `${flag} must be an integer from 1 to ${max}, not "${raw}"`, { [flag]: raw });
  return n;
}

/**
 * `racetrack selftest`: proves the harness catches what it claims. Exit 0 only if every ready
 * control was detected in every run and the core passed every run; 1 otherwise; 2 on bad input.
 */
export async function runSelftestCommand(o: SelftestCommandOptions, stderr: (s: string) => void): Promise<CommandResult> {
  const runs = positiveInt('--runs', o.runs, 10_000);
  const iterations = positiveInt('--iterations', o.iterations, 1_000_000);
  const workers = positiveInt('--workers', o.workers, 256);
  if (o.isolation !== 'thread' && o.isolation !== 'process') throw new RacetrackError('EINVALID', `--isolation must be thread or process, not "${o.isolation}"`);
  const seed = o.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positiveInt('--seed', o.seed, 2 ** 31);
  const outDir = resolve(o.out ?? join('racetrack-runs', `selftest-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`));
  makeDirs(outDir, '--out');
  const started = performance.now();
  const { rows, ok } = await runSelftest({
    runs, outDir, iterations, workers, isolation: o.isolation, seed,
    onRow: (r) => stderr(`racetrack selftest: ${r.system} / ${r.scenario}: ${r.status === 'pending' ? 'pending' : `detected ${r.detected} of ${r.runs}`} -> ${r.status}\n`),
  });
  const settings = `${runs} run(s) of ${iterations} iterations x ${workers} ${o.isolation}s, seeds ${seed}..${seed + runs - 1}`;
  const markdown = renderSelftestMarkdown(rows, ok, settings);
  const report = { verdict: ok ? 'pass' : 'fail', runtime: detectRuntime(), settings: { runs, iterations, workers, isolation: o.isolation, seed }, wallMs: Math.round(performance.now() - started), rows, outDir };
  writeFileSync(join(outDir, 'selftest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'selftest.md'), markdown);
  stderr(`\n${markdown}`);
  return { exitCode: ok ? 0 : 1, output: report };
}
