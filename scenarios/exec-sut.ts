import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { RacetrackError } from '../core/errors.ts';
import { fillArgv, parseArgvTemplate } from './argv-template.ts';
import type { ClaimOutcome, Sut } from './sut.ts';

/** An outcome nobody knows (the command timed out or died by a signal): recorded as `info`. */
export class IndeterminateError extends Error {
  readonly code = 'EINDETERMINATE';
  readonly indeterminate = true;
}

interface ExecOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
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

function failed(out: ExecOutput, argv: readonly string[]): RacetrackError {
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
export function createExecSut(template: string, timeoutMs = 60_000): Sut {
  const words = parseArgvTemplate(template);
  const call = async (values: Record<string, string>) => {
    const argv = fillArgv(words, values);
    return { argv, out: await run(argv, timeoutMs) };
  };
  return {
    name: 'exec',
    // Its locks are taken in another process, out of racetrack's sight, so nothing about them is
    // reported (until racetrack can trace a command's lock calls).
    reports: [],
    async allocate(root, name) {
      const { argv, out } = await call({ root, name });
      if (out.code !== 0) throw failed(out, argv);
      const got = parseAllocateOutput(out.stdout);
      return { number: got.number, path: resolve(root, got.path) };
    },
    async reserve(counters, prefix, count) {
      const { argv, out } = await call({ counters, prefix, count: String(count) });
      if (out.code !== 0) throw failed(out, argv);
      return parseReserveOutput(out.stdout);
    },
    async claim(registry, owner) {
      const { argv, out } = await call({ registry, owner });
      if (out.code === 1) return null;
      if (out.code !== 0) throw failed(out, argv);
      return parseClaimOutput(out.stdout);
    },
  };
}
