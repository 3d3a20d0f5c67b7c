import type { Command } from 'commander';
import { Option } from 'commander';
import process from 'node:process';
import type { CliContext, VerbRunner } from './program.ts';
import { runBench } from './verbs/bench.ts';
import { runList } from './verbs/list.ts';
import { runRunCommand, type RunCommandOptions } from './verbs/run.ts';
import { runSelftestCommand, type SelftestCommandOptions } from './verbs/selftest.ts';

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
    .option('--out <dir>', 'where to write result.json, history.jsonl and summary.md (default racetrack-runs/<scenario>-<time>); a directory that holds a run is refused unless --force')
    .option('--max-collision-rate <r>', 'fail when the share of iterations with a collision exceeds this', '0')
    .option('--junit <file>', 'also write JUnit XML, one testcase per checker')
    .option('--sut <name>', 'the system under test: core or a known-broken control (see racetrack list --suts)', 'core')
    .option('--exec <template>', 'run your own command per operation, e.g. "./alloc.sh {root} {name}"; placeholders {root} {name} {counters} {prefix} {count} {registry} {owner}')
    .option('--keep <glob>', 'a file your script keeps on purpose (e.g. its flock file), not an orphan; repeatable', collect, [])
    .option('--keep-roots', 'keep every iteration root even when the run passes', false)
    .option('--force', 'replace the run that --out already holds (its result.json, history.jsonl, summary.md and roots/)', false)
    .option('--kill-rate <r>', 'process isolation: SIGKILL each worker with probability R per iteration, at a random moment of its operation')
    .option('--pause', 'process isolation: stop the first lock holder right after it takes the lock (SIGSTOP) until past --stale-ms, then SIGCONT it (in 20% of iterations)', false)
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
    .description('benchmark the core under contention beside its peers (proper-lockfile, the seed spin lock, flock); ratios printed beside racetrack\'s performance targets, never asserted')
    .option('--quick', 'workers 1,4,10, 2 rounds of 300 ms per point, short single-op runs: done within a minute', false)
    .option('--out <dir>', 'where to write bench.json, bench.md and bench.html (default racetrack-bench/<time>)')
    .addOption(new Option('--isolation <kind>', 'contention workers as threads or child processes (flock needs process)').choices(['thread', 'process']).default('thread'))
    .addOption(new Option('--op <op>', 'the contended operation').choices(['reserve', 'allocate', 'claim', 'write']).default('reserve'))
    .option('--workers <list>', 'worker counts of the sweep (default 1,2,4,8,10,16; quick 1,4,10); ratios need 1 and 10')
    .option('--duration <ms>', 'how long each round of each (implementation, workers) point runs (default 1000; quick 300)')
    .option('--rounds <n>', 'repeat the sweep, rows taking turns, and report each point\'s median round (default 3; quick 2)')
    .option('--impls <names>', 'the rows to run, comma-separated: core, core-lock, core-no-turns, core-before, proper-lockfile, seed-spin, flock (default all that apply)')
    .option('--no-durable', 'skip the fsyncs in every row (default: durable writes everywhere)')
    .option('--no-single-op', 'skip the uncontended tinybench latencies')
    .option('--no-overhead', 'skip the harness-overhead measurement')
    .option('--overhead-iterations <n>', 'iterations of the allocate scenario in the overhead measurement (default 100)')
    .option('--overhead-workers <n>', 'threads in the overhead measurement (default 10)')
    .addHelpText('after', `
Examples:
  racetrack bench --quick                          # about a minute: workers 1,4,10 on threads
  racetrack bench --isolation process --out bench  # the full sweep on child processes, with the flock(1) row
  racetrack bench --op claim --impls core,seed-spin
Exit codes: 0 measured (whether or not a target is met), 2 bad input or error.`)
    .action((o: Parameters<typeof runBench>[0]) => run(() => runBench(o, ctx.io.stderr)));
}
