import { statSync } from 'node:fs';
import process from 'node:process';
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
 * case file written before racetrack recorded one) runs where racetrack is; so does one whose
 * directory is not on this machine (a case recorded in CI, replayed on a laptop), told through
 * `note`: its templates then name their files from here.
 */
export async function inCaseDirectory<T>(c: FuzzCase, caseFile: string, fn: () => Promise<T>, note: (line: string) => void, wd: WorkingDirectory = process): Promise<T> {
  const dir = c.exec?.cwd;
  if (dir === undefined) return fn();
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // not here: said below
  }
  if (!isDir) {
    note(`racetrack fuzz: the commands of ${caseFile} ran in ${dir}, which is not a directory here; replaying from ${wd.cwd()}\n`);
    return fn();
  }
  const before = wd.cwd();
  wd.chdir(dir);
  try {
    return await fn();
  } finally {
    wd.chdir(before);
  }
}
