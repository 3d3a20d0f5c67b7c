import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errnoCode, RacetrackError } from '../../core/errors.ts';

/**
 * Creates the directory `path` and its missing parents, one `mkdir` at a time, and returns the
 * directories it created, outermost first. Never `mkdirSync(path, { recursive: true })`: Node's
 * recursive mkdir steps back to the parent on ENOENT and forward again on EEXIST, so under a
 * parent that exists but cannot hold entries (`/proc`, a dangling symlink) it loops for ever at
 * full CPU. Here a parent that refuses its child ends the walk with a typed error (EINVALID for a
 * path that cannot hold a directory, EIO for one the file system refuses to write) naming the
 * directory, after removing whatever this call created: bad input leaves everything as it was.
 * `what` names the path in messages (`--out`).
 */
export function makeDirs(path: string, what: string): string[] {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT' || dirname(at) === at) throw cannotCreate(err, at, what);
      missing.unshift(at);
      continue;
    }
    if (!isDirectory) throw new RacetrackError('EINVALID', `${what} ${path}: ${at} is a file, not a directory`, { path: at });
    break;
  }
  const created: string[] = [];
  try {
    for (const dir of missing) {
      mkdirSync(dir);
      created.push(dir);
    }
  } catch (err) {
    removeCreated(created);
    throw cannotCreate(err, missing[created.length]!, what);
  }
  return created;
}

/** Removes directories `makeDirs` created, innermost first, each only while it is still empty. */
export function removeCreated(created: readonly string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty: something else lives there now, and it and its parents stay
    }
  }
}

function cannotCreate(err: unknown, dir: string, what: string): RacetrackError {
  const errno = errnoCode(err) ?? 'EUNKNOWN';
  const why =
    errno === 'ENOENT'
      ? 'its parent exists but cannot hold it'
      : errno === 'EEXIST'
        ? 'something that is not a directory is in the way (a dangling symlink?)'
        : errno === 'ENOTDIR'
          ? 'a parent is not a directory'
          : String(err instanceof Error ? err.message : err);
  const code = ['ENOENT', 'EEXIST', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP'].includes(errno) ? 'EINVALID' : 'EIO';
  return new RacetrackError(code, `${what}: cannot create directory ${dir}: ${why} (${errno})`, { path: dir, errno }, err);
}
