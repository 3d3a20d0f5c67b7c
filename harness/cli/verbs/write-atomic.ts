import { basename, dirname, resolve } from 'node:path';
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { errnoCode, fromFsError, RacetrackError } from '../../../core/errors.ts';
import { success, type CommandResult } from '../command-result.ts';
import { defineVerb, type VerbContext } from '../verb.ts';

/** Input of `racetrack write-atomic FILE`: the verb reads `content` from stdin. */
export interface WriteAtomicArgs {
  readonly file?: string;
  readonly content: string | Uint8Array;
  /** fsync file and directory. Default true; `--no-durable` (benchmarks only) makes it false. */
  readonly durable?: boolean;
}

/** The JSON output of `racetrack write-atomic`. */
export interface WriteAtomicOutput {
  /** The absolute path written. */
  readonly file: string;
  /** How many bytes it now holds. */
  readonly bytes: number;
  readonly durable: boolean;
}

const encoder = new TextEncoder();

/**
 * The absolute path of a file that a verb will replace or recover: its directory must exist
 * (ENOTFOUND otherwise) and the file itself must not be a directory (EINVALID). A symlinked
 * directory is allowed; a symlink at the file itself is replaced, never followed.
 */
export function resolveTargetFile(file: unknown, deps: Deps = defaultDeps()): string {
  if (typeof file !== 'string' || file.length === 0 || file.includes('\0')) {
    throw new RacetrackError('EINVALID', 'FILE must be a non-empty path without NUL', { file });
  }
  const abs = resolve(file);
  const name = basename(abs);
  if (file.endsWith('/') || name === '' || name === '.' || name === '..') {
    throw new RacetrackError('EINVALID', `${file} names a directory, not a file`, { file: abs });
  }
  const dir = dirname(abs);
  const dirStat = statOrNull(deps, dir, abs);
  if (dirStat === null) throw new RacetrackError('ENOTFOUND', `directory ${dir} does not exist`, { file: abs, directory: dir });
  if (!dirStat.isDirectory && !dirStat.isSymbolicLink) {
    throw new RacetrackError('EINVALID', `${dir} is not a directory`, { file: abs, directory: dir });
  }
  if (statOrNull(deps, abs, abs)?.isDirectory === true) {
    throw new RacetrackError('EINVALID', `${abs} is a directory`, { file: abs });
  }
  return abs;
}

function statOrNull(deps: Deps, path: string, file: string) {
  try {
    return deps.fs.lstat(path);
  } catch (err) {
    const errno = errnoCode(err);
    // ENOTDIR: a component of the path is a file, so the directory does not exist either.
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return null;
    throw fromFsError(err, file, 'inspect');
  }
}

/**
 * `racetrack write-atomic FILE` (content on stdin): replaces FILE with `content` via writeAtomic.
 * Output `{"file":"/abs/FILE","bytes":n,"durable":true}`. Throws RacetrackError on bad input
 * (ENOTFOUND for a missing directory, EINVALID for a directory at FILE) or failure (EIO), leaving
 * FILE as it was.
 */
export function runWriteAtomic(args: WriteAtomicArgs, deps: Deps = defaultDeps()): CommandResult {
  const file = resolveTargetFile(args.file, deps);
  const bytes = typeof args.content === 'string' ? encoder.encode(args.content) : args.content;
  const durable = args.durable ?? true;
  writeAtomic(file, bytes, { durable }, deps);
  const output: WriteAtomicOutput = { file, bytes: bytes.length, durable };
  return success(output);
}

/**
 * stdin, unless it is a terminal and `--stdin` was not given: a person who typed
 * `racetrack write-atomic FILE` without piping anything in would otherwise see racetrack hang,
 * waiting for a Ctrl-D that would replace FILE with whatever they typed. EINVALID, with the hint.
 */
async function contentFromStdin(ctx: VerbContext, asked: boolean): Promise<Uint8Array> {
  if (ctx.stdinIsTty && !asked) {
    throw new RacetrackError(
      'EINVALID',
      "stdin is a terminal: write-atomic replaces FILE with what it reads from stdin, so pipe the content in (printf 'state: 2\\n' | racetrack write-atomic FILE, or < FILE.new), or give --stdin to type it and end with Ctrl-D",
      {
        reason: 'stdin-is-a-terminal',
      },
    );
  }
  return ctx.readStdin();
}

/** `racetrack write-atomic`. */
export const writeAtomicVerb = defineVerb({
  name: 'write-atomic',
  summary: 'replace FILE with stdin, atomically and durably (temp, fsync, rename, fsync of the directory)',
  arguments: [{ name: 'file', description: 'the file to replace', required: true }],
  options: {
    durable: { flags: '--no-durable', kind: 'flag', description: 'skip the fsyncs (benchmarks only)' },
    stdin: { flags: '--stdin', kind: 'flag', description: 'read stdin even when it is a terminal (type the content, then Ctrl-D)' },
  },
  details: [
    'The temp, FILE.tmp.<pid-space tag>.<pid>.<thread>.<nonce>.<size>-<digest>, is created exclusively',
    "in FILE's directory. A replaced file keeps its permission bits (and its owner and group when",
    'racetrack runs as root); a new one gets the default mode. A name must leave room for the temp',
    'suffix (at most 173 bytes). When stdin is a terminal, write-atomic refuses to wait on it unless',
    '--stdin is given.',
  ].join('\n'),
  examples: [{ command: "printf 'state: 2\\n' | racetrack write-atomic STATE.md", output: '{"file":"/abs/STATE.md","bytes":9,"durable":true}' }],
  exitCodes: [
    { code: '0', meaning: 'written' },
    { code: '2', meaning: 'a missing directory, a directory at FILE, a name too long, stdin a terminal without --stdin' },
  ],
  run: async (input, ctx) => runWriteAtomic({ file: input.file, content: await contentFromStdin(ctx, input.stdin), durable: input.durable }, ctx.deps),
});
