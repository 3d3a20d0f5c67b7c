import type { Command } from 'commander';
import { Option } from 'commander';
import process from 'node:process';
import type { CliContext, VerbRunner } from './program.ts';
import type { FuzzCommandOptions } from './verbs/fuzz.ts';

/** The fault verbs: `fuzz` (crash points, power loss, the stale-lock breaker race). */
export function registerFaultVerbs(program: Command, ctx: CliContext, run: VerbRunner): void {
  program
    .command('fuzz')
    .description('crash a primitive at every fs call (or cut the power), recover, check; shrink a failure to a minimal, replayable case')
    .argument('[primitive]', 'write, reserve, lock, update-json, allocate, stale-lock (breakers racing on a stale lock), or stalled-reserve, stalled-claim, stalled-update-json (a holder stalled past staleMs wakes after a break and dies in its write)')
    .option('--runs <n>', 'generated cases (each checked at every crash point or power-loss state) (default 100)')
    .option('--seed <n>', 'seed for fast-check (printed, so a search replays) (default random)')
    .option('--sut <name>', 'the system under test: core or a known-broken control (racetrack list --suts) (default core)')
    .option('--out <dir>', 'where a failing case is written, as case.json (default racetrack-runs/fuzz-<primitive>-<sut>-<time>)')
    .option('--replay <file>', 're-run exactly the case in this replay file')
    .option('--power-loss', 'cut the power instead of crashing the process: the simulated disk forgets what was never fsynced')
    .addOption(new Option('--disk <kind>', 'where crash cases run: real temp directories or the simulated disk (default real; power loss, stale-lock and stalled-* always sim)').choices(['real', 'sim']))
    .option('--max-states <n>', 'power loss: crash states explored per instant before sampling (default 4096)')
    .addHelpText('after', `
Examples:
  racetrack fuzz write                                   # writeAtomic + recover, crashed before every fs call and mid-write
  racetrack fuzz write --sut write-in-place              # a control: fails, prints the minimal case and a replay command
  racetrack fuzz write --power-loss --sut rename-no-fsync
  racetrack fuzz stale-lock --sut stale-break-naive --runs 200
  racetrack fuzz stalled-reserve --sut recover-promote-proven   # recovery republishes a broken holder's write
  racetrack fuzz --replay racetrack-runs/fuzz-write-write-in-place-…/case.json
Exit codes: 0 every run passed, 1 a failure (shrunk, printed, written to case.json), 2 bad input (nothing written).`)
    .action((primitive: string | undefined, o: FuzzCommandOptions) =>
      run(async () => {
        // Loaded on use: the fuzzer needs fast-check, which the other verbs do not.
        const { runFuzzCommand } = await import('./verbs/fuzz.ts');
        return runFuzzCommand(primitive, o, ctx.io.stderr, process.stderr.isTTY === true);
      }));
}
