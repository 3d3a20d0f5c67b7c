import { Command, CommanderError } from 'commander';
import type { Deps } from '../../core/deps.ts';
import { defaultDeps } from '../../core/deps.ts';
import { RacetrackError } from '../../core/errors.ts';
import { type CliIo, EINTERNAL_MEANING, errorResult, printResult } from './output.ts';
import type { CommandResult } from './command-result.ts';
import type { VerbHost } from './verb.ts';
import { VERBS } from './verbs/index.ts';

/** What the program runs with: where it writes, and what it reads. Tests inject their own. */
export interface CliContext {
  readonly deps: Deps;
  readonly io: CliIo;
  readStdin(): Promise<Uint8Array>;
  /** Whether stdin is a terminal (write-atomic then refuses to wait on it). */
  readonly stdinIsTty: boolean;
  /** Whether stderr is a terminal (progress lines are then rewritten in place). */
  readonly stderrIsTty: boolean;
}

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
    stdinIsTty: ctx.stdinIsTty ?? false,
    stderrIsTty: ctx.stderrIsTty ?? false,
  };
  let outcome: CommandResult | undefined;
  const host: VerbHost = {
    ...context,
    async run(handler) {
      try {
        outcome = await handler();
      } catch (err) {
        outcome = errorResult(err);
      }
    },
  };

  const program = new Command('racetrack')
    .description('Proves file-based locks, allocators, ID reservers and claim registries race-free and crash-safe.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => context.io.stdout(s), writeErr: () => {} })
    .addHelpText('after', EXIT_CODES);
  for (const verb of VERBS) {
    const sub = verb.command(host);
    program.addCommand(sub);
    sub.exitOverride().configureOutput({ writeOut: (s) => context.io.stdout(s), writeErr: () => {} });
    refuseRepeatedOptions(sub);
  }

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
 * Makes every option of `verb` that takes one value EINVALID when given twice, naming it: left to
 * commander the last one silently wins, so `reserve --counters a --counters b` reserved from `b`.
 * Options that collect their values into a list (their default is a list, as `run --keep`'s) or
 * are variadic are meant to repeat. `--x` and `--no-x` are one option: given both, it is repeated.
 * The words after `lock FILE` are never parsed as options, so they are never counted.
 */
function refuseRepeatedOptions(verb: Command): void {
  const seen = new Set<string>();
  for (const option of verb.options) {
    if (option.variadic || Array.isArray(option.defaultValue)) continue;
    const name = option.name();
    verb.on(`option:${name}`, () => {
      if (seen.has(name)) {
        const flags = [option.long, option.short].filter((f) => f !== undefined).join(' or ');
        throw new RacetrackError('EINVALID', `${flags} given more than once; give it once`, { option: option.long ?? option.short });
      }
      seen.add(name);
    });
  }
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
