import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import process from 'node:process';
import { RacetrackError } from '../../../core/errors.ts';
import { fillArgv, parseArgvTemplate, type PLACEHOLDERS } from './argv-template.ts';
import type { Primitive } from '../../workloads/scenario.ts';
import type { ClaimOutcome, Sut, SutContext } from '../sut.ts';
import { InjectedFaultError, reportLocks, type ExecOutput, type ExecRunner } from './exec-runner.ts';

type Placeholder = (typeof PLACEHOLDERS)[number];

/** The placeholders an `--exec` command is given, by the primitive its scenario drives. */
export const EXEC_PLACEHOLDERS: Readonly<Partial<Record<Primitive, readonly Placeholder[]>>> = {
  allocate: ['root', 'name'],
  reserve: ['counters', 'prefix', 'count'],
  claim: ['registry', 'owner'],
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

/**
 * Checks an `--exec` template once, before a run creates anything: every placeholder is one the
 * scenario's primitive fills (else every operation would fail on it), and the command exists and
 * may be executed, as a path when it holds a `/` and on PATH otherwise (else every operation would
 * fail to start). A command word built from a placeholder is known only per operation, and is not
 * checked. Bad setup is bad input: EINVALID, or ENOTFOUND for a command that is not there.
 */
export function checkExecSetup(template: string, primitive: Primitive, env: NodeJS.ProcessEnv = process.env): void {
  const words = parseArgvTemplate(template);
  const filled = EXEC_PLACEHOLDERS[primitive] ?? [];
  for (const w of words) {
    for (const m of w.matchAll(/\{([a-z]+)\}/g)) {
      if ((filled as readonly string[]).includes(m[1]!)) continue;
      throw new RacetrackError('EINVALID', `--exec template uses {${m[1]}}, which the ${primitive} scenarios do not fill; they fill ${asPlaceholders(filled)}`, {
        exec: template,
        placeholder: m[1],
        fills: filled,
      });
    }
  }
  const command = words[0]!;
  if (/\{[a-z]+\}/.test(command)) return;
  if (command.includes('/')) {
    const path = resolve(command);
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch {
      throw new RacetrackError('ENOTFOUND', `--exec command ${command} does not exist`, { exec: template, command, path });
    }
    if (!isFile || !isExecutableFile(path)) {
      throw new RacetrackError('EINVALID', `--exec command ${command} is not an executable file (make it executable, or name its interpreter: "bash ${command} …")`, { exec: template, command, path });
    }
    return;
  }
  const dirs = (env.PATH ?? '').split(delimiter).map((d) => (d === '' ? '.' : d));
  if (!dirs.some((d) => isExecutableFile(join(d, command)))) {
    throw new RacetrackError('ENOTFOUND', `--exec command ${command} is not found on PATH`, { exec: template, command });
  }
}

/** An outcome nobody knows (the command timed out or died by a signal): recorded as `info`. */
export class IndeterminateError extends Error {
  readonly code = 'EINDETERMINATE';
  readonly indeterminate = true;
}

function run(argv: readonly string[], timeoutMs: number): Promise<ExecOutput> {
  return new Promise((done, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err === null) return done({ code: 0, stdout, stderr });
      const e = err as { code?: unknown; signal?: unknown; killed?: boolean };
      if (typeof e.code === 'number') return done({ code: e.code, stdout, stderr });
      if (e.killed || typeof e.signal === 'string') return reject(new IndeterminateError(`${argv[0]} was killed (${String(e.signal)})`));
      reject(new RacetrackError('EIO', `cannot run ${argv[0]}: ${err.message}`, { argv }));
    });
  });
}

/** The plain runner: the command spawned as it is. */
export const plainRunner: ExecRunner = { tracesLocks: false, run };

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

/**
 * A user's own script as the system under test: one process per operation, run as an argv array
 * (never through a shell unless the template says `sh -c`), its output read the way racetrack's
 * own verbs print theirs. Exit 1 from a claimer means "no work".
 */
export function createExecSut(template: string, timeoutMs = 60_000, runner: ExecRunner = plainRunner): Sut {
  const words = parseArgvTemplate(template);
  const call = async (values: Record<string, string>, ctx: SutContext) => {
    const argv = fillArgv(words, values);
    const out = await runner.run(argv, timeoutMs);
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
  };
}
