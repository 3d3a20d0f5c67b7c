import { basename, dirname } from 'node:path';
import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError } from '../errors.ts';
import type { FileStat } from '../fs-facade.ts';
import { currentIdentity, isProvablyDead, pidSpaceTag, type Identity } from '../runtime.ts';
import { parseTempName, provesComplete, type TempName } from './temp-name.ts';

/**
 * What is known about a temp's writer. Its pid is trusted only when the name carries our own PID
 * space tag (same boot, same PID namespace): a pid from a container sharing the directory, or
 * from before a reboot, names another process here or none.
 * - `alive`: its process runs (for our own pid, another thread of ours: we cannot tell whether
 *   that thread still exists, so it counts as alive);
 * - `dead`: its tag is ours and no process has its pid (a recycled pid looks alive: the temp then
 *   waits until it is old);
 * - `this-thread`: the calling thread wrote it; writeAtomic is synchronous, so it is not mid-write;
 * - `unknown`: the name carries another PID space, none (`x`, an older racetrack's or the atomic-write spec's
 *   names) or no pid, or pids are not trusted (`assumeSameHost: false`): only age can tell.
 */
export type WriterState = 'alive' | 'dead' | 'this-thread' | 'unknown';

/** A temp file beside a target, left by a writer that has not (yet) renamed it. */
export interface Orphan {
  readonly path: string;
  /** The writer's pid and thread id from the name; null when the name carries none. */
  readonly pid: number | null;
  /** The writer's PID space tag from the name; null when it carries none. */
  readonly pidSpaceTag: string | null;
  readonly threadId: number | null;
  readonly writer: WriterState;
  /** Wall-clock ms since the temp was last written (mtime). */
  readonly ageMs: number;
  readonly mtimeMs: number;
  readonly size: number;
  /** The size its name promises, or null when the name carries no proof. */
  readonly expectedSize: number | null;
  /** false for a symlink, a directory or anything else that is not a plain file: never touched. */
  readonly regularFile: boolean;
  /** Holds exactly the bytes its name promises (size and digest), so it may be promoted. */
  readonly provenComplete: boolean;
}

export interface ListOrphansOptions {
  /**
   * Judge writers by pid at all. A temp name's PID space tag already tells this boot of this host
   * (and PID namespace) from any other; false makes every writer `unknown`, so that only age makes
   * a temp removable. Default true.
   */
  readonly assumeSameHost?: boolean;
  /** Who is asking (to recognise this thread's temps). Defaults to this thread; tests pass others. */
  readonly identity?: Identity;
}

/**
 * The temp files beside `file` (named `<file>.tmp.…`, including an older racetrack's untagged
 * names and the atomic-write spec's `<file>.tmp.<pid>`), with their writer, age, size and whether each proves
 * itself complete. Reads only; never follows a symlink. ENOTFOUND if the directory does not exist.
 */
export function listOrphans(file: string, options: ListOrphansOptions = {}, deps: Deps = defaultDeps()): Orphan[] {
  const dir = dirname(file);
  let entries: string[];
  try {
    entries = deps.fs.readdir(dir);
  } catch (err) {
    throw fromFsError(err, dir, 'list the directory of');
  }
  const me = options.identity ?? currentIdentity();
  const sameHost = options.assumeSameHost ?? true;
  const now = deps.clock.now();
  const orphans: Orphan[] = [];
  for (const entry of entries.sort()) {
    const name = parseTempName(file, entry);
    if (name === null) continue;
    const stat = lstatOrNull(deps, name.path);
    if (stat === null) continue; // renamed or removed since readdir: not an orphan
    const regularFile = stat.isFile && !stat.isSymbolicLink;
    const known = name.pid > 0;
    orphans.push({
      path: name.path,
      pid: known ? name.pid : null,
      pidSpaceTag: name.pidSpaceTag,
      threadId: known && !isSeedName(name) ? name.threadId : null,
      writer: judgeWriter(name, me, sameHost),
      ageMs: Math.round(now - stat.mtimeMs),
      mtimeMs: stat.mtimeMs,
      size: stat.size,
      expectedSize: name.size,
      regularFile,
      provenComplete: regularFile && name.size === stat.size && readProven(deps, name),
    });
  }
  return orphans;
}

/** Re-reads a temp and returns its bytes if they are exactly what its name promises, else null. */
export function readProvenTemp(file: string, path: string, deps: Deps = defaultDeps()): Uint8Array | null {
  const name = parseTempName(file, basename(path));
  if (name === null) return null;
  try {
    const bytes = deps.fs.readFile(name.path);
    return provesComplete(name, bytes) ? bytes : null;
  } catch (err) {
    const errno = errnoCode(err);
    if (errno === 'ENOENT' || errno === 'ELOOP') return null;
    throw fromFsError(err, name.path, 'read temp');
  }
}

// The atomic-write spec's `<file>.tmp.<pid>` names no thread; parseTempName reports them with an empty nonce.
function isSeedName(name: TempName): boolean {
  return name.nonce === '';
}

function judgeWriter(name: TempName, me: Identity, sameHost: boolean): WriterState {
  const ours = pidSpaceTag(me.pidSpace);
  if (name.pid <= 0 || !sameHost || ours === null || name.pidSpaceTag !== ours) return 'unknown';
  if (name.pid === me.pid) return name.threadId === me.threadId ? 'this-thread' : 'alive';
  return isProvablyDead({ pid: name.pid, startTime: null, space: name.pidSpaceTag }, me) ? 'dead' : 'alive';
}

function lstatOrNull(deps: Deps, path: string): FileStat | null {
  try {
    return deps.fs.lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw fromFsError(err, path, 'inspect temp');
  }
}

function readProven(deps: Deps, name: TempName): boolean {
  return readProvenTemp(name.target, name.path, deps) !== null;
}
