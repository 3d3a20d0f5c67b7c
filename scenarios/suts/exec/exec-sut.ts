import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import process from 'node:process';
import { RacetrackError } from '../../../core/errors.ts';
import { fillArgv, parseArgvTemplate, placeholdersIn, type PLACEHOLDERS } from './argv-template.ts';
import { runCommand } from './run-command.ts';
import type { Primitive } from '../../workloads/scenario.ts';
import type { ClaimOutcome, Sut, SutContext } from '../sut.ts';
import { InjectedFaultError, reportLocks, type ExecOutput, type ExecRunner } from './exec-runner.ts';

type Placeholder = (typeof PLACEHOLDERS)[number];

/** The placeholders an `--exec` command is given, by the primitive its scenario drives. */
export const EXEC_PLACEHOLDERS: Readonly<Record<Primitive, readonly Placeholder[]>> = {
  allocate: ['root', 'name', 'staleMs'],
  reserve: ['counters', 'prefix', 'count', 'staleMs'],
  claim: ['registry', 'owner', 'staleMs'],
  write: ['file', 'payload', 'staleMs'],
  update: ['file', 'filter', 'staleMs'],
  lock: ['lock', 'critical', 'staleMs'],
};

/**
 * The placeholders an `--exec` template must use: without them the command cannot know which
 * files to work on (or, for a lock, has no critical section to guard), and every operation would
 * judge nothing.
 */
export const REQUIRED_PLACEHOLDERS: Readonly<Record<Primitive, readonly Placeholder[]>> = {
  allocate: ['root'],
  reserve: ['counters'],
  claim: ['registry'],
  write: ['file'],
  update: ['file'],
  lock: ['lock', 'critical'],
};

const asPlaceholders = (list: readonly string[]) => list.map((p) => `{${p}}`).join(' ');

/** Whether `path` is a file this process may execute. */
function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Which template is checked, and what it is given. */
export interface TemplateRules {
  /** The option that gave it: `--exec`, `--setup`, `--recover`. */
  readonly flag: string;
  /** What fills its placeholders, for the message: `the reserve scenarios`. */
  readonly filler: string;
  readonly fills: readonly string[];
  readonly required: readonly string[];
}

/**
 * Checks a command template once, before a run creates anything: every placeholder is one that is
 * filled (else every operation would fail on it), every required one is there, and the command
 * exists and may be executed, as a path when it holds a `/` and on PATH otherwise (else every
 * operation would fail to start). A command word built from a placeholder is known only per
 * operation, and is not checked. Bad setup is bad input: EINVALID, or ENOTFOUND for a command that
 * is not there.
 */
export function checkCommandTemplate(template: string, rules: TemplateRules, env: NodeJS.ProcessEnv = process.env): void {
  const { flag, filler, fills, required } = rules;
  const words = parseArgvTemplate(template, flag);
  const used = new Set(words.flatMap(placeholdersIn));
  for (const p of used) {
    if (fills.includes(p)) continue;
    throw new RacetrackError('EINVALID', `${flag} template uses {${p}}, which ${filler} do not fill; they fill ${asPlaceholders(fills)}`, { [flag.slice(2)]: template, placeholder: p, fills });
  }
  const missing = required.filter((p) => !used.has(p));
  if (missing.length > 0) {
    throw new RacetrackError('EINVALID', `${flag} template must use ${asPlaceholders(missing)}: without it the command cannot know what to work on`, { [flag.slice(2)]: template, missing });
  }
  const command = words[0]!;
  if (placeholdersIn(command).length > 0) return;
  const facts = { [flag.slice(2)]: template, command };
  if (command.includes('/')) {
    const path = resolve(command);
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch {
      throw new RacetrackError('ENOTFOUND', `${flag} command ${command} does not exist`, { ...facts, path });
    }
    if (!isFile || !isExecutableFile(path)) {
      throw new RacetrackError('EINVALID', `${flag} command ${command} is not an executable file (make it executable, or name its interpreter: "bash ${command} …")`, { ...facts, path });
    }
  } else {
    const dirs = (env.PATH ?? '').split(delimiter).map((d) => (d === '' ? '.' : d));
    if (!dirs.some((d) => isExecutableFile(join(d, command)))) {
      throw new RacetrackError('ENOTFOUND', `${flag} command ${command} is not found on PATH`, facts);
    }
  }
  const script = missingScript(words, env);
  if (script !== undefined) {
    throw new RacetrackError('ENOTFOUND', `${flag} script ${script} does not exist (${basename(command)} would run it)`, { ...facts, script, path: resolve(script) });
  }
}

/**
 * Interpreters whose first plain argument is the script they run: the options that give them code
 * inline (no script then), the options known to take no argument (any other option might take one,
 * and the check stops there rather than guess), and whether a bare script name is also looked for
 * on PATH (a shell does so).
 */
interface Interpreter {
  readonly inline: RegExp;
  readonly flagOnly: RegExp;
  readonly searchesPath: boolean;
}
const SHELL: Interpreter = { inline: /^-[a-zA-Z]*c[a-zA-Z]*$/, flagOnly: /^-[abefhkmnptuvxBCEHlirs]+$/, searchesPath: true };
const PYTHON: Interpreter = { inline: /^-[a-zA-Z]*[cm][a-zA-Z]*$/, flagOnly: /^-[bBdEhiIOqsSuvxRP]+$/, searchesPath: false };
const INTERPRETERS: Readonly<Record<string, Interpreter>> = {
  sh: SHELL,
  bash: SHELL,
  dash: SHELL,
  zsh: SHELL,
  ksh: SHELL,
  python: PYTHON,
  python3: PYTHON,
  node: { inline: /^(-[ep]|--eval|--print)$/, flagOnly: /^$/, searchesPath: false },
  perl: { inline: /^-[a-zA-Z]*[eE][a-zA-Z]*$/, flagOnly: /^$/, searchesPath: false },
  ruby: { inline: /^-[a-zA-Z]*e[a-zA-Z]*$/, flagOnly: /^$/, searchesPath: false },
};

/**
 * The script an interpreter in a template is to run, when it is missing (`python3 reserve.py
 * {counters}` with no reserve.py here): the first word after the interpreter's options, when it
 * names a file (a `/` or an extension) and no placeholder. Nothing is reported when the code is
 * given inline (`sh -c '…'`, `python3 -m mod`, `node -e '…'`), after an option that may take an
 * argument (`node -r dotenv/config x.js`, `python3 -W ignore x.py`), or for a bare name a shell
 * finds on PATH. A missing script would fail every operation with the interpreter's own message,
 * and judge the command on it.
 */
function missingScript(words: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const it = INTERPRETERS[basename(words[0]!).replace(/^(python3)\.\d+$/, '$1')];
  if (it === undefined) return undefined;
  for (const word of words.slice(1)) {
    if (word.startsWith('-')) {
      if (it.inline.test(word) || !it.flagOnly.test(word)) return undefined;
      continue;
    }
    if (placeholdersIn(word).length > 0 || !/\/|\.\w+$/.test(word) || existsSync(resolve(word))) return undefined;
    const onPath = it.searchesPath && !word.includes('/') && (env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, word)));
    return onPath ? undefined : word;
  }
  return undefined;
}

/** Checks an `--exec` template for the scenarios of `primitive` (see checkCommandTemplate). */
export function checkExecSetup(template: string, primitive: Primitive, env: NodeJS.ProcessEnv = process.env): void {
  checkCommandTemplate(template, { flag: '--exec', filler: `the ${primitive} scenarios`, fills: EXEC_PLACEHOLDERS[primitive], required: REQUIRED_PLACEHOLDERS[primitive] }, env);
}

/** The plain runner: the command spawned as it is. */
export const plainRunner: ExecRunner = { tracesLocks: false, run: runCommand };

function failed(out: ExecOutput, argv: readonly string[]): Error {
  if (out.injectedError !== undefined) return new InjectedFaultError(`command exited ${out.code} after an injected ${out.injectedError}: ${(out.stdout + out.stderr).trim().slice(0, 300)}`);
  return new RacetrackError('EEXEC', `command exited ${out.code}: ${(out.stdout + out.stderr).trim().slice(0, 300)}`, { argv, exitCode: out.code });
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text.trim()) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Reads an allocator's output: `{"topic_number","topic_path"}` JSON or `NNN|path`. */
export function parseAllocateOutput(stdout: string): { number: string; path: string } {
  const json = parseJson(stdout);
  if (json !== null && json.topic_number !== undefined && json.topic_path !== undefined) {
    return { number: String(json.topic_number), path: String(json.topic_path) };
  }
  const m = /^\s*(\d+)\|(.+?)\s*$/.exec(stdout);
  if (m !== null) return { number: m[1]!, path: m[2]! };
  throw new RacetrackError('ECORRUPT', `allocator output is neither JSON nor NNN|path: ${stdout.slice(0, 200)}`);
}

/** Reads a reserver's output: `{"ids":[…]}`. */
export function parseReserveOutput(stdout: string): { ids: string[] } {
  const json = parseJson(stdout);
  if (json !== null && Array.isArray(json.ids)) return { ids: json.ids.map(String) };
  throw new RacetrackError('ECORRUPT', `reserver output has no "ids" array: ${stdout.slice(0, 200)}`);
}

/** Reads a claimer's output: `{"batch":…,"sites":[…]}` JSON or a bare batch id. */
export function parseClaimOutput(stdout: string): ClaimOutcome {
  const json = parseJson(stdout);
  if (json !== null && json.batch !== undefined) {
    return { batch: String(json.batch), sites: Array.isArray(json.sites) ? json.sites.map(String) : [] };
  }
  const bare = stdout.trim();
  if (/^\S+$/.test(bare)) return { batch: bare, sites: [] };
  throw new RacetrackError('ECORRUPT', `claimer output has no batch: ${stdout.slice(0, 200)}`);
}

let payloads: string | undefined;

/** A file holding `data`, for a command's `{payload}`, outside every root the run judges; removed after the operation. */
function payloadFile(data: Uint8Array, n: number): string {
  payloads ??= mkdtempSync(join(tmpdir(), 'racetrack-payload-'));
  const path = join(payloads, `${process.pid}-${n}`);
  writeFileSync(path, data);
  return path;
}

/**
 * A user's own script as the system under test: one process per operation, run as an argv array
 * (never through a shell unless the template says `sh -c`), its output read the way racetrack's
 * own verbs print theirs. Exit 1 from a claimer means "no work". `{staleMs}` is the run's lock
 * staleness.
 */
export function createExecSut(template: string, timeoutMs = 60_000, runner: ExecRunner = plainRunner): Sut {
  const words = parseArgvTemplate(template);
  let calls = 0;
  const call = async (values: Record<string, string | readonly string[]>, ctx: SutContext, stdin?: Uint8Array) => {
    const argv = fillArgv(words, { ...values, staleMs: String(ctx.lockOptions.staleMs ?? 5000) });
    const out = await runner.run(argv, { timeoutMs, ...(stdin === undefined ? {} : { stdin }) });
    // A traced command's locks, seen in its syscalls, go into the history as if it reported them.
    if (out.locks !== undefined) reportLocks(ctx.lockOptions.observer, out.locks);
    return { argv, out };
  };
  return {
    name: 'exec',
    kind: 'command',
    description: `your own command, one process per operation: ${template}`,
    // Its locks are taken in another process, out of racetrack's sight unless it runs under
    // strace (`--trace`), which sees the lock idioms' syscalls.
    reports: runner.tracesLocks ? ['lock-events'] : [],
    honoursDeps: false,
    honoursIdentity: false,
    async allocate(root, name, ctx) {
      const { argv, out } = await call({ root, name }, ctx);
      if (out.code !== 0) throw failed(out, argv);
      const got = parseAllocateOutput(out.stdout);
      return { number: got.number, path: resolve(root, got.path) };
    },
    async reserve(counters, prefix, count, ctx) {
      const { argv, out } = await call({ counters, prefix, count: String(count) }, ctx);
      if (out.code !== 0) throw failed(out, argv);
      return parseReserveOutput(out.stdout);
    },
    async claim(registry, owner, phase, ctx) {
      // The command is told no phase: it is run as the claim scenario runs it, for implementation.
      if (phase !== 'implement') throw new RacetrackError('EINVALID', `--exec claims for implementation only (asked for ${phase})`, { phase });
      const { argv, out } = await call({ registry, owner }, ctx);
      if (out.code === 1) return null;
      if (out.code !== 0) throw failed(out, argv);
      return parseClaimOutput(out.stdout);
    },
    async write(file, data, ctx) {
      const payload = payloadFile(data, calls++);
      try {
        const { argv, out } = await call({ file, payload }, ctx, data);
        if (out.code !== 0) throw failed(out, argv);
      } finally {
        rmSync(payload, { force: true });
      }
    },
    async update(file, _fn, ctx, filter) {
      if (filter === undefined) throw new RacetrackError('EINVALID', '--exec updates a JSON file by a jq filter, and this update has none', { file });
      const { argv, out } = await call({ file, filter }, ctx);
      if (out.code !== 0) throw failed(out, argv);
      return undefined;
    },
    async guard(lock, critical, ctx) {
      const { argv, out } = await call({ lock, critical }, ctx);
      if (out.code !== 0) throw failed(out, argv);
    },
  };
}
