import { lstatSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode, fromFsError, RacetrackError } from '../../core/errors.ts';
import { removeCreated } from './make-dirs.ts';

/** The names a run writes in its directory: what makes a directory "hold a run". */
export const RUN_FILES = ['result.json', 'history.jsonl', 'summary.md'] as const;
/** The directory of the iteration roots, and the name of each root in it. */
export const ROOTS_DIR = 'roots';
const ROOT_NAME = /^i\d{4,}$/;

/**
 * Checks `--out` before a run creates anything: a path that exists must be a directory, and one
 * that holds a run (its result.json, history.jsonl, summary.md or roots/, from a run that passed,
 * failed or was cut short) is refused, so a run never silently replaces another. With `force`
 * that earlier run is removed first, each part only when it shows itself racetrack's: a result.json
 * with a verdict and a scenario, a summary.md under a racetrack heading, a history.jsonl of events,
 * a roots/ of iteration roots (`i0000`, …). Anything else of those names is refused, not deleted;
 * other files in the directory are left alone. EINVALID for every refusal.
 */
export function checkOutDir(outDir: string, force: boolean): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(outDir).isDirectory();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return; // created when the run starts
    throw fromFsError(err, outDir, 'use --out');
  }
  if (!isDirectory) throw new RacetrackError('EINVALID', `--out ${outDir} is a file, not a directory`, { out: outDir });
  const held = [...RUN_FILES, ROOTS_DIR].filter((name) => exists(join(outDir, name)));
  if (held.length === 0) return;
  if (!force) {
    throw new RacetrackError('EINVALID', `--out ${outDir} already holds a run (${held.join(', ')}); give a new directory, or --force to replace that run`, { out: outDir, holds: held });
  }
  for (const name of held) {
    const path = join(outDir, name);
    if (isRunsOwn(name, path)) continue;
    throw new RacetrackError('EINVALID', `--out ${outDir}: ${name} is not what a run leaves there; --force replaces only a run's own files, so remove it yourself`, { out: outDir, path });
  }
  for (const name of held) {
    const path = join(outDir, name);
    if (name === ROOTS_DIR) rmSync(path, { recursive: true });
    else unlinkSync(path);
  }
}

/**
 * Removes what an interrupted run created in `outDir`: its roots, the history it streamed, and the directories `makeDirs`
 * made for it (`created`) while they are empty. Returns what it did, for the user.
 */
export function removeRun(outDir: string, created: readonly string[]): string {
  const roots = join(outDir, ROOTS_DIR);
  try {
    // A command the workers ran (--exec) may outlive them for a moment, still writing in its root.
    rmSync(roots, { recursive: true, force: true, maxRetries: 5 });
    // The history the run streamed as it went: this run's own (checkOutDir let no earlier one stay).
    rmSync(join(outDir, 'history.jsonl'), { force: true });
  } catch (err) {
    return `could not remove ${roots} (${err instanceof Error ? err.message : String(err)}); rerun with --force once it is quiet`;
  }
  removeCreated(created);
  return created.length > 0 && !exists(created[0]!) ? `removed ${created[0]}` : `removed ${roots}`;
}

/** Whether the entry `name` of a run directory shows itself as one a run wrote. */
function isRunsOwn(name: string, path: string): boolean {
  try {
    const st = lstatSync(path);
    if (name === ROOTS_DIR) return st.isDirectory() && readdirSync(path).every((e) => ROOT_NAME.test(e));
    if (!st.isFile()) return false;
    const text = readFileSync(path, 'utf8');
    if (name === 'summary.md') return /^## (PASS|FAIL|UNKNOWN) · racetrack /.test(text);
    const first = JSON.parse(name === 'history.jsonl' ? text.split('\n')[0] || '{"index":0,"type":"invoke"}' : text) as Record<string, unknown>;
    return name === 'history.jsonl' ? 'index' in first && 'type' in first : 'verdict' in first && 'scenario' in first;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
