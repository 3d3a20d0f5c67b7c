import type { Command } from 'commander';
import { Option } from 'commander';
import process from 'node:process';
import type { CliContext, VerbRunner } from './cli-program.ts';
import { runBench } from './commands/bench.ts';
import { runList } from './commands/list.ts';
import { runRunCommand, type RunCommandOptions } from './commands/run.ts';
import { runSelftestCommand, type SelftestCommandOptions } from './commands/selftest.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The harness verbs: list the scenarios, run one. */
export function registerHarnessVerbs(program: Command, ctx: CliContext, run: VerbRunner): void {
  program
    .command('list')
    .description('list the scenarios, one line each')
    .option('--suts', 'also list the systems under test (the core and the known-broken controls)', false)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((o: { suts: boolean; format: string }) => run(async () => runList(o)));

  program
    .command('run')
    .description('run a scenario under concurrency, record a history, check its invariants')
    .argument('<scenario>', 'allocate, reserve, claim, atomic-write, update-json or lock (see racetrack list)')
    .option('--iterations <n>', 'iterations, each on a fresh root', '100')
    .option('--workers <n>', 'workers that hit the primitive at once in each iteration', '10')
    .addOption(new Option('--isolation <kind>', 'workers as threads (Piscina) or child processes').choices(['thread', 'process']).default('thread'))
    .option('--seed <n>', 'seed for every random choice (printed, so a run can be replayed)')
    .option('--out <dir>', 'where to write result.json, history.jsonl and summary.md (default racetrack-runs/<scenario>-<time>)')
    .option('--max-collision-rate <r>', 'fail when the share of iterations with a collision exceeds this', '0')
    .option('--junit <file>', 'also write JUnit XML, one testcase per checker')
    .option('--sut <name>', 'the system under test: core or a known-broken control (see racetrack list --suts)', 'core')
    .option('--exec <template>', 'run your own command per operation, e.g. "./alloc.sh {root} {name}"; placeholders {root} {name} {counters} {prefix} {count} {registry} {owner}')
    .option('--keep <glob>', 'a file your script keeps on purpose (e.g. its flock file), not an orphan; repeatable', collect, [])
    .option('--keep-roots', 'keep every iteration root even when the run passes', false)
    .option('--kill-rate <r>', 'process isolation: SIGKILL each worker with probability R per iteration, at a random moment of its operation')
    .option('--pause', 'process isolation: SIGSTOP a lock holder past --stale-ms, then SIGCONT it (in 20% of iterations)', false)
    .option('--pause-rate <r>', 'the share of iterations in which a lock holder is paused')
    .option('--stale-ms <n>', 'lock staleness for the system under test and the checkers (default 5000; 1000 with --pause)')
    .addHelpText('after', `
Examples:
  racetrack run allocate                                  # 100 iterations x 10 threads against the core
  racetrack run reserve --isolation process --junit junit.xml
  racetrack run allocate --exec "bash scripts/alloc.sh {root} {name}" --keep ".topic.lock"
  racetrack run reserve --isolation process --kill-rate 0.1 --pause
Exit codes: 0 pass, 1 an invariant failed or the collision rate exceeded --max-collision-rate, 2 bad input, error or unknown verdict.`)
    .action((scenario: string, o: RunCommandOptions) => run(() => runRunCommand(scenario, o, ctx.io.stderr, process.stderr.isTTY === true)));

  program
    .command('selftest')
    .description('run every known-broken control through its scenario N times (each must be caught) and the core through the same scenarios (each must pass)')
    .option('--runs <n>', 'runs per control and per core scenario', '1')
    .option('--out <dir>', 'where to write selftest.json and selftest.md (default racetrack-runs/selftest-<time>)')
    .option('--iterations <n>', 'iterations per run (the scenario default)', '100')
    .option('--workers <n>', 'workers per iteration (the scenario default)', '10')
    .addOption(new Option('--isolation <kind>', 'workers as threads or child processes').choices(['thread', 'process']).default('thread'))
    .option('--seed <n>', 'seed of the first run (run r uses seed + r)')
    .addHelpText('after', '\nExit codes: 0 every control caught in every run and the core passed every run, 1 otherwise, 2 bad input.')
    .action((o: SelftestCommandOptions) => run(() => runSelftestCommand(o, ctx.io.stderr)));

  program
    .command('bench')
    .description('measure the harness overhead over a bare loop doing the same allocations (ratios reported, not asserted)')
    .option('--iterations <n>', 'iterations of the allocate scenario', '100')
    .option('--workers <n>', 'threads', '10')
    .option('--out <dir>', 'also write bench.json there')
    .action((o: { iterations: string; workers: string; out?: string }) => run(() => runBench(o, ctx.io.stderr)));
}
