import { Argument, Command, Option } from 'commander';
import type { Deps } from '../../core/deps.ts';
import { RacetrackError } from '../../core/errors.ts';
import type { CommandResult } from './command-result.ts';
import { describeArgument, describeOption } from './option-text.ts';
import { QUIET } from './options.ts';

/** One option of a verb: what commander parses, and what `--help` and docs/cli.md say of it. */
export interface OptionSpec {
  /** commander's flags: `--counters <file>`, `--force`, `--no-durable`. */
  readonly flags: string;
  readonly description: string;
  /** `value` (the default) takes one value; `flag` takes none and is a boolean; `list` takes one value each time it is given. */
  readonly kind?: 'value' | 'flag' | 'list';
  readonly required?: boolean;
  /** The value when the option is not given. */
  readonly default?: string;
  /** The default when it is decided at run time, in words: `random`, `racetrack-runs/<scenario>-<time>`. */
  readonly defaultText?: string;
  readonly choices?: readonly string[];
  /** The environment variable that gives the value when the option is not given. */
  readonly env?: string;
}

/** One positional argument of a verb. */
export interface ArgumentSpec {
  /** The key the handler reads it under, and its name in the usage line. */
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** Takes every remaining word. */
  readonly variadic?: boolean;
  readonly default?: string;
  readonly choices?: readonly string[];
  /** Another program's argv (the command `lock` runs): handed on untouched, never checked. */
  readonly passedOn?: boolean;
}

/** The options of a verb, keyed by the name its handler reads them under (commander's camelCase). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type Value<S> = S extends { kind: 'flag' } ? boolean : S extends { kind: 'list' } | { variadic: true } ? readonly string[] : S extends { choices: readonly (infer C)[] } ? C : string;
type AlwaysSet<S> = S extends { kind: 'flag' | 'list' } | { variadic: true } | { required: true } | { default: string } ? true : false;

/** The typed option values a handler receives, derived from the declaration: given, defaulted or required ones are always there. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O as AlwaysSet<O[K]> extends true ? K : never]: Value<O[K]>;
} & {
  readonly [K in keyof O as AlwaysSet<O[K]> extends true ? never : K]?: Value<O[K]>;
};

/** The typed arguments a handler receives, by name. */
export type ArgumentValues<A extends readonly ArgumentSpec[]> = {
  readonly [S in A[number] as AlwaysSet<S> extends true ? S['name'] : never]: Value<S>;
} & {
  readonly [S in A[number] as AlwaysSet<S> extends true ? never : S['name']]?: Value<S>;
};

/** Everything a verb's handler gets from its command line: its options and arguments, typed by its declaration. */
export type VerbInput<O extends OptionSpecs, A extends readonly ArgumentSpec[]> = OptionValues<O> & ArgumentValues<A>;

/** What a handler gets besides its input. */
export interface VerbContext {
  readonly deps: Deps;
  /** Progress and notes for people; writes nothing under `--quiet`. */
  stderr(text: string): void;
  readonly stderrIsTty: boolean;
  readonly stdinIsTty: boolean;
  readStdin(): Promise<Uint8Array>;
  /** Where an option's value came from: `cli`, `env`, `default`, or undefined when it has none. */
  optionSource(key: string): string | undefined;
}

/** One example of a verb, for its help and docs/cli.md. */
export interface Example {
  readonly command: string;
  /** What it prints. */
  readonly output?: string;
}

/** One exit code of a verb and what it means (`N` for lock's "the command's own status"). */
export interface ExitCode {
  readonly code: string;
  readonly meaning: string;
}

/** The one declaration of a verb: its words, and its handler. */
export interface VerbSpec<O extends OptionSpecs, A extends readonly ArgumentSpec[]> {
  readonly name: string;
  /** One line: what the verb does. */
  readonly summary: string;
  readonly arguments: A;
  readonly options: O;
  /** The usage line after `racetrack <verb>`, when the generated one would mislead (lock's `--`). */
  readonly usage?: string;
  /** Words after the first argument are never parsed as options (lock's command). */
  readonly passThroughOptions?: boolean;
  /** Paragraphs shown after the options: what else a user needs to know. */
  readonly details?: string;
  readonly examples: readonly Example[];
  readonly exitCodes: readonly ExitCode[];
  run(input: VerbInput<O, A>, ctx: VerbContext): Promise<CommandResult> | CommandResult;
}

/** What the program gives every verb: where output goes, stdin, and how a result becomes the outcome. */
export interface VerbHost {
  readonly deps: Deps;
  readonly io: { stdout(text: string): void; stderr(text: string): void };
  readonly stdinIsTty: boolean;
  readonly stderrIsTty: boolean;
  readStdin(): Promise<Uint8Array>;
  /** Runs a handler and keeps its result (or its error) as the program's outcome. */
  run(handler: () => Promise<CommandResult> | CommandResult): Promise<void>;
}

/** A declared verb, with its types erased: what the program registers and docs/cli.md is written from. */
export interface Verb {
  readonly name: string;
  readonly summary: string;
  readonly details: string | undefined;
  readonly examples: readonly Example[];
  readonly exitCodes: readonly ExitCode[];
  /** The commander command: parses, shows the help, and hands the typed input to the handler. */
  command(host: VerbHost): Command;
}

/** Declares a verb once: the command line it takes, its help, and its handler, whose input type comes from the declaration. */
export function defineVerb<const O extends OptionSpecs, const A extends readonly ArgumentSpec[]>(spec: VerbSpec<O, A>): Verb {
  return {
    name: spec.name,
    summary: spec.summary,
    details: spec.details,
    examples: spec.examples,
    exitCodes: spec.exitCodes,
    command: (host) => buildCommand(spec, host),
  };
}

function buildCommand<O extends OptionSpecs, A extends readonly ArgumentSpec[]>(spec: VerbSpec<O, A>, host: VerbHost): Command {
  const cmd = new Command(spec.name).description(spec.summary);
  cmd.configureHelp({ optionDescription: describeOption, argumentDescription: describeArgument });
  for (const a of spec.arguments) cmd.addArgument(toArgument(a));
  const options = Object.entries(spec.options);
  for (const [key, o] of options) cmd.addOption(toOption(key, o));
  cmd.addOption(toOption('quiet', QUIET));
  cmd.usage(spec.usage ?? usageOf(cmd));
  if (spec.passThroughOptions === true) cmd.passThroughOptions();
  cmd.addHelpText('after', helpAfter(spec));
  cmd.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const values = self.opts();
    const input: Record<string, unknown> = {};
    for (const [key, o] of options) input[key] = o.kind === 'flag' ? values[key] === true : values[key];
    spec.arguments.forEach((a, i) => {
      input[a.name] = self.processedArgs[i];
    });
    const ctx: VerbContext = {
      deps: host.deps,
      stderr: values.quiet === true ? () => {} : (text) => host.io.stderr(text),
      stderrIsTty: host.stderrIsTty,
      stdinIsTty: host.stdinIsTty,
      readStdin: () => host.readStdin(),
      optionSource: (key) => self.getOptionValueSource(key),
    };
    await host.run(() => {
      refuseInvalidUtf8(spec, input);
      return spec.run(input as VerbInput<O, A>, ctx);
    });
  });
  return cmd;
}

function toArgument(a: ArgumentSpec): Argument {
  const word = `${a.name}${a.variadic === true ? '...' : ''}`;
  const arg = new Argument(a.required === true ? `<${word}>` : `[${word}]`, a.description);
  if (a.default !== undefined) arg.default(a.default);
  if (a.choices !== undefined) arg.choices(a.choices);
  return arg;
}

const collect = (value: string, previous: readonly string[]) => [...previous, value];

function toOption(key: string, o: OptionSpec): Option {
  const option = new Option(o.flags, o.description);
  // The handler reads the value under `key`: a declaration whose key is not commander's name for the flag is a bug.
  if (option.attributeName() !== key) throw new Error(`option ${o.flags} is declared as "${key}", but commander calls it "${option.attributeName()}"`);
  if (o.required === true) option.makeOptionMandatory();
  if (o.default !== undefined) option.default(o.default);
  if (o.defaultText !== undefined) option.defaultValueDescription = o.defaultText;
  if (o.choices !== undefined) option.choices(o.choices);
  if (o.env !== undefined) option.env(o.env);
  if (o.kind === 'list') option.argParser(collect).default([]);
  return option;
}

/** `--counters <file> [options] <prefix> [count]`: the required options spelt out, so the usage line says what is required. */
function usageOf(cmd: Command): string {
  const required = cmd.options.filter((o) => o.mandatory).map((o) => o.flags.replace(/^-\w, /, ''));
  const args = cmd.registeredArguments.map((a) => {
    const word = `${a.name()}${a.variadic ? '...' : ''}`;
    return a.required ? `<${word}>` : `[${word}]`;
  });
  return [...required, '[options]', ...args].join(' ');
}

/** The help after the options: the details, the examples and the exit codes. */
function helpAfter(spec: { details?: string; examples: readonly Example[]; exitCodes: readonly ExitCode[] }): string {
  const parts = [''];
  if (spec.details !== undefined) parts.push(spec.details, '');
  parts.push(`Example${spec.examples.length > 1 ? 's' : ''}:`);
  for (const e of spec.examples) {
    parts.push(`  $ ${e.command}`);
    if (e.output !== undefined) parts.push(...e.output.split('\n').map((line) => `  ${line}`));
  }
  parts.push('', 'Exit codes:', ...spec.exitCodes.map((e) => `  ${e.code}  ${e.meaning}`));
  return parts.join('\n');
}

/**
 * EINVALID, before the handler runs, for an option value or argument that holds U+FFFD: that is
 * what invalid UTF-8 in argv (a Latin-1 file name from a shell, say) decodes to, so the path
 * racetrack would create, lock or read, the name it would write, the command it would run is not
 * the one the caller gave; quietly going on would touch a different file. An argument passed on
 * to another program (the command `lock` runs) is the caller's own and goes untouched.
 */
function refuseInvalidUtf8(spec: { options: OptionSpecs; arguments: readonly ArgumentSpec[] }, input: Record<string, unknown>): void {
  const given: [string, unknown][] = Object.entries(spec.options).map(([key, o]) => [o.flags.split(/[ ,]/).find((f) => f.startsWith('--')) ?? key, input[key]]);
  for (const a of spec.arguments) if (a.passedOn !== true) given.push([a.name.toUpperCase(), input[a.name]]);
  for (const [what, value] of given) {
    for (const text of Array.isArray(value) ? value : [value]) {
      if (typeof text !== 'string' || !text.includes('\ufffd')) continue;
      throw new RacetrackError('EINVALID', `${what} ${JSON.stringify(text)} is not valid UTF-8 (it holds U+FFFD): racetrack would use a differently named file or word than the one given`, {
        argument: what,
        value: text,
        reason: 'not-utf8',
      });
    }
  }
}

/**
 * A verb's input as a library caller may hand it over: every key optional, values as raw strings,
 * still checked by the handler. Its keys come from the declaration, so the two cannot drift.
 */
export type RawInput<T> = { readonly [K in keyof T]?: T[K] extends boolean ? boolean : T[K] extends readonly string[] ? readonly string[] : string };
