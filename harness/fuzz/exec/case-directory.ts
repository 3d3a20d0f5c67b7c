import { statSync } from 'node:fs';
import process from 'node:process';
import { RacetrackError } from '../../../core/errors.ts';
import type { FuzzCase } from '../fuzz-case-file.ts';

/** The working directory of the process racetrack runs in. */
export interface WorkingDirectory {
  cwd(): string;
  chdir(dir: string): void;
}

/**
 * Runs `fn` (a replay) with racetrack's working directory where the case's commands ran when it
 * was recorded (`exec.cwd`), and moves back after. A user's commands run in racetrack's working
 * directory, as with `racetrack run --exec`, so the template is checked and run there as it was
 * then: a relative script path names the same file. A case without a directory (in-process, or a
 * case file written before racetrack recorded one) runs where racetrack is. ENOTFOUND, before
 * anything runs, when the directory is gone.
 */
export async function inCaseDirectory<T>(c: FuzzCase, caseFile: string, fn: () => Promise<T>, wd: WorkingDirectory = process): Promise<T> {
  const dir = c.exec?.cwd;
  if (dir === undefined) return fn();
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // missing: said below
  }
  if (!isDir) {
    throw new RacetrackError('ENOTFOUND', `the commands of the case in ${caseFile} ran in ${dir}, which is no longer a directory; nothing was run (recreate it to replay the case)`, {
      path: caseFile,
      cwd: dir,
    });
  }
  const before = wd.cwd();
  wd.chdir(dir);
  try {
    return await fn();
  } finally {
    wd.chdir(before);
  }
}
