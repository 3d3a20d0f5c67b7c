import { Command, CommanderError, Option } from 'commander';
import type { Deps } from '../core/deps.ts';
import { defaultDeps } from '../core/deps.ts';
import { RacetrackError } from '../core/errors.ts';
import { type CliIo, EINTERNAL_MEANING, errorResult, printResult } from './cli-output.ts';
import type { CommandResult } from './command-result.ts';
import { registerCoreVerbs } from './cli-core-verbs.ts';
import { registerFaultVerbs } from './cli-fault-verbs.ts';
import { registerHarnessVerbs } from './cli-harness-verbs.ts';

/** What a verb's action gets besides its options: the deps, and stdin for verbs that read it. */
export interface CliContext {
  readonly deps: Deps;
  readonly io: CliIo;
  readStdin(): Promise<Uint8Array>;
}

/** Wraps a verb so that its CommandResult (or its error) becomes the program's outcome. */
export type VerbRunner = (run: () => Promise<CommandResult>) => Promise<void>;

const EXIT_CODES = `
Exit codes:
  0  success
  1  no work found, or the check failed
  2  bad input or error (a JSON error is printed on stdout and no file is changed)

Errors are one JSON line on stdout: {"error": CODE, "message": …, and the facts that go with it}.
EINTERNAL is ${EINTERNAL_MEANING}.`;

/**
 * Runs the racetrack CLI on `argv` (without the runtime and script) and returns the exit code.
 * Everything a verb prints goes to stdout as JSON, errors included, so a caller can parse it.
 */
export async function runCli(argv: readonly string[], ctx: Partial<CliContext> & { io: CliIo }): Promise<number> {
  const context: CliContext = {
    deps: ctx.deps ?? defaultDeps(),
    io: ctx.io,
    readStdin: ctx.readStdin ?? (async () => new Uint8Array()),
  };
  let outcome: CommandResult | undefined;
  const runVerb: VerbRunner = async (run) => {
    try {
      outcome = await run();
    } catch (err) {
      outcome = errorResult(err);
    }
  };

  const program = new Command('racetrack')
    .description('Proves file-based locks, allocators, ID reservers and claim registries race-free and crash-safe.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => context.io.stdout(s), writeErr: () => {} })
    .addHelpText('after', EXIT_CODES);
  registerCoreVerbs(program, context, runVerb);
  registerHarnessVerbs(program, context, runVerb);
  registerFaultVerbs(program, context, runVerb);
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => context.io.stdout(s), writeErr: () => {} });

  try {
    await program.parseAsync(unknownVerbOnly(program, argv) ?? [...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0)) return 0;
      // commander.help with a failing exit code is commander's answer to no verb at all: handled below.
      if (err.code !== 'commander.help') outcome = errorResult(new RacetrackError('EINVALID', err.message.replace(/^error: /, ''), { usage: err.code }));
    } else {
      outcome = errorResult(err);
    }
  }
  if (outcome === undefined) {
    // No verb: the help is for the person who typed it (stderr), the error for a calling script.
    context.io.stderr(`${program.helpInformation()}${EXIT_CODES}\n`);
    outcome = errorResult(new RacetrackError('EINVALID', 'no command given; run racetrack --help'));
  }
  printResult(context.io, outcome);
  return outcome.exitCode;
}

/**
 * For an unknown verb, just that verb, so that commander reports it (with its suggestion) even
 * when `--help` follows it or `help` precedes it: left alone, `racetrack frob --help` and
 * `racetrack help frob` print the main help and exit 0, and a script would take the typo for
 * success. Otherwise undefined. The program's own options take no values, so the verb is the
 * first word that is not an option.
 */
function unknownVerbOnly(program: Command, argv: readonly string[]): string[] | undefined {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const verb = argv[at] === 'help' ? argv[at + 1] : argv[at];
  if (verb === undefined || verb.startsWith('-')) return undefined;
  return program.commands.some((c) => c.name() === verb || c.aliases().includes(verb)) ? undefined : [verb];
}

export { Option };
