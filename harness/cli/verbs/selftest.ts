import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectRuntime } from '../../../core/runtime.ts';
import { renderSelftestMarkdown } from '../../../reports/selftest-markdown.ts';
import type { CommandResult } from '../command-result.ts';
import { ISOLATION } from '../options.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { runSelftest } from '../../selftest/selftest.ts';
import { makeDirs } from '../../engine/make-dirs.ts';
import { parseInteger } from './raw-options.ts';

const options = {
  runs: { flags: '--runs <n>', description: 'runs per control and per core scenario', default: '1' },
  out: { flags: '--out <dir>', description: 'where to write selftest.json and selftest.md', defaultText: 'racetrack-runs/selftest-<time>' },
  iterations: { flags: '--iterations <n>', description: 'iterations per run', default: '100' },
  workers: { flags: '--workers <n>', description: 'workers per iteration', default: '10' },
  isolation: ISOLATION,
  seed: { flags: '--seed <n>', description: 'seed of the first run (run r uses seed + r)', defaultText: 'random' },
} as const;

/** What `racetrack selftest` takes. */
export type SelftestInput = VerbInput<typeof options, []>;

/**
 * `racetrack selftest`: proves the harness catches what it claims. Exit 0 only if every ready
 * control was detected in every run and the core passed every run; 1 otherwise; 2 on bad input.
 */
export async function runSelftestCommand(o: SelftestInput, stderr: (s: string) => void): Promise<CommandResult> {
  const runs = parseInteger('--runs', o.runs, 1, { max: 10_000 });
  const iterations = parseInteger('--iterations', o.iterations, 100, { max: 1_000_000 });
  const workers = parseInteger('--workers', o.workers, 10, { max: 256 });
  const seed = o.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : parseInteger('--seed', o.seed, 0, { min: 0, max: 2 ** 31 });
  const outDir = resolve(
    o.out ??
      join(
        'racetrack-runs',
        `selftest-${new Date()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, 'Z')}`,
      ),
  );
  makeDirs(outDir, '--out');
  const started = performance.now();
  const { rows, ok } = await runSelftest({
    runs,
    outDir,
    iterations,
    workers,
    isolation: o.isolation,
    seed,
    onRow: (r) =>
      stderr(
        `racetrack selftest: ${r.system} / ${r.scenario}: ${r.status === 'pending' ? `pending${r.reason === undefined ? '' : ` (${r.reason})`}` : `detected ${r.detected} of ${r.runs}`} -> ${r.status}\n`,
      ),
  });
  const settings = `${runs} run(s) of ${iterations} iterations x ${workers} ${o.isolation}s, seeds ${seed}..${seed + runs - 1}`;
  const markdown = renderSelftestMarkdown(rows, ok, settings);
  const report = {
    verdict: ok ? 'pass' : 'fail',
    runtime: detectRuntime(),
    settings: { runs, iterations, workers, isolation: o.isolation, seed },
    wallMs: Math.round(performance.now() - started),
    rows,
    outDir,
  };
  writeFileSync(join(outDir, 'selftest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'selftest.md'), markdown);
  stderr(`\n${markdown}`);
  return { exitCode: ok ? 0 : 1, output: report };
}

/** `racetrack selftest`. */
export const selftestVerb = defineVerb({
  name: 'selftest',
  summary: 'show that the harness catches what it claims: every known-broken control must be caught in every run, the core must pass every run',
  arguments: [],
  options,
  details: [
    'Runs every known-broken control (racetrack list --suts) through the scenario that must catch it,',
    'and the core through the same scenarios, and prints a table: control, its bug, detected in k of N',
    'runs, the median time to the first detection. The controls whose bug shows only after a crash or a',
    'power loss are caught by racetrack fuzz instead.',
  ].join('\n'),
  examples: [{ command: 'racetrack selftest --runs 20 --seed 1000' }],
  exitCodes: [
    { code: '0', meaning: 'every control was caught in every run and the core passed every run' },
    { code: '1', meaning: 'a control went uncaught in some run, or the core failed one' },
    { code: '2', meaning: 'bad input or an error' },
  ],
  run: (input, ctx) => runSelftestCommand(input, ctx.stderr),
});
