import type { Argument, Command, Option } from 'commander';
import { defaultDeps } from '../../core/deps.ts';
import { codeBlock, codeSpan, tableRow } from '../../reports/markdown-text.ts';
import { defaultText } from './option-text.ts';
import { EINTERNAL_MEANING } from './output.ts';
import type { Verb, VerbHost } from './verb.ts';

/** What the reference says before the verbs: the conventions every verb keeps. */
const CONVENTIONS = [
  '- Output is JSON on stdout, errors included, so a caller can always parse it; progress and notes',
  '  for people go to stderr (`--quiet`, which every verb takes, silences them). `lock` is the one',
  '  exception: stdout belongs to the command it runs.',
  '- Exit codes: **0** success; **1** no work found, or a check failed; **2** bad input or an error,',
  '  with `{"error":"<CODE>","message":"…"}` on stdout and every file left exactly as it was.',
  '- Codes: `EINVALID`, `ENOTFOUND`, `ECORRUPT`, `ELOCKED`, `ETIMEOUT`, `ECOMPROMISED`, `EIO`,',
  `  \`EEXEC\`; and \`EINTERNAL\`, ${EINTERNAL_MEANING}.`,
  '- An option given twice (other than one that collects a list, like `run --keep`) and an argument',
  '  that is not valid UTF-8 are `EINVALID`. `racetrack` alone prints the help on stderr and exits 2;',
  '  `racetrack <verb> --help` shows what this page shows for that verb.',
].join('\n');

/** A host for building the commands only (the reference, a test's parse): their handlers never run. */
export const INERT_HOST: VerbHost = {
  deps: defaultDeps(),
  io: { stdout: () => {}, stderr: () => {} },
  stdinIsTty: false,
  stderrIsTty: false,
  readStdin: async () => new Uint8Array(),
  run: async () => {},
};

/**
 * docs/cli.md: every verb with its synopsis, arguments and options (defaults and required marks),
 * details, exit codes and examples, rendered from the same declarations the CLI parses with, so
 * the reference cannot drift from the program. `npm run docs:cli` writes it; a test compares.
 */
export function renderCliReference(verbs: readonly Verb[]): string {
  const lines = [
    '# racetrack command-line reference',
    '',
    '<!-- Generated from the verb declarations in harness/cli/verbs/ by `npm run docs:cli`; edit those, not this file. -->',
    '',
    CONVENTIONS,
    '',
    '| verb | what it does |',
    '|---|---|',
    ...verbs.map((v) => tableRow([`[${v.name}](#racetrack-${v.name})`, prose(v.summary)])),
  ];
  for (const verb of verbs) lines.push('', ...verbSection(verb, verb.command(INERT_HOST)));
  return `${lines.join('\n')}\n`;
}

function verbSection(verb: Verb, cmd: Command): string[] {
  const lines = [`## racetrack ${verb.name}`, '', `${prose(capitalised(verb.summary))}.`, '', codeBlock(`racetrack ${verb.name} ${cmd.usage()}`, 'sh')];
  if (cmd.registeredArguments.length > 0) {
    lines.push('', '| argument | meaning | default |', '|---|---|---|', ...cmd.registeredArguments.map(argumentRow));
  }
  lines.push('', '| option | meaning | default |', '|---|---|---|', ...cmd.options.map(optionRow));
  if (verb.details !== undefined) lines.push('', ...paragraphs(verb.details));
  lines.push('', '| exit code | meaning |', '|---|---|', ...verb.exitCodes.map((e) => tableRow([e.code, prose(e.meaning)])));
  lines.push('', verb.examples.length > 1 ? 'Examples:' : 'Example:', '');
  lines.push(codeBlock(verb.examples.map((e) => [`$ ${e.command}`, ...(e.output === undefined ? [] : [e.output])].join('\n')).join('\n'), 'sh'));
  return lines;
}

function argumentRow(a: Argument): string {
  const word = `${a.name()}${a.variadic ? '...' : ''}`;
  const choices = a.argChoices === undefined ? '' : ` (one of ${a.argChoices.map(codeSpan).join(', ')})`;
  return tableRow([codeSpan(a.required ? `<${word}>` : `[${word}]`), `${prose(a.description)}${choices}`, a.required ? '**required**' : defaultCell(a)]);
}

function optionRow(o: Option): string {
  const notes = [...(o.argChoices === undefined ? [] : [`one of ${o.argChoices.map(codeSpan).join(', ')}`]), ...(o.envVar === undefined ? [] : [`environment: ${codeSpan(o.envVar)}`])];
  const meaning = notes.length === 0 ? prose(o.description) : `${prose(o.description)} (${notes.join('; ')})`;
  return tableRow([codeSpan(o.flags), meaning, o.mandatory ? '**required**' : defaultCell(o)]);
}

/** A default value as code (`100`), a default in words as prose. */
function defaultCell(o: Option | Argument): string {
  const fallback = defaultText(o);
  if (fallback === undefined) return '';
  return o.defaultValueDescription === undefined ? codeSpan(fallback) : prose(fallback);
}

/** Help text as Markdown prose: `<pid>` and `NNN_*` shown as written, not taken for HTML or emphasis. */
function prose(text: string): string {
  return text.replace(/[<*_\\]/g, '\\$&');
}

/** The details as Markdown: plain paragraphs as they are, a paragraph with indented lines (a listing) as a block. */
function paragraphs(details: string): string[] {
  return details.split(/\n\s*\n/).flatMap((p, i) => [...(i === 0 ? [] : ['']), /\n\s/.test(p) ? codeBlock(p, 'text') : prose(p)]);
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
