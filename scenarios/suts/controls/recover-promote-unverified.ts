// Known-broken control: the atomic-write spec's `recover_from_corruption`. It promotes the newest temp if it
// "validates" — parses as JSON for .json files, is merely non-empty otherwise — so a temp torn by a
// crash mid-write (non-empty, but incomplete) is renamed over a good target.
import { basename, dirname, join } from 'node:path';
import { defaultDeps, type Deps } from '../../../core/deps.ts';

const decoder = new TextDecoder();

function validates(path: string, bytes: Uint8Array): boolean {
  if (path.includes('.json')) {
    try {
      JSON.parse(decoder.decode(bytes));
      return true;
    } catch {
      return false;
    }
  }
  return bytes.length > 0; // the bug: non-empty is not complete
}

/** Returns the temp it promoted, or null. Deletes every temp either way, as the spec does. */
export function recoverPromoteUnverified(file: string, deps: Deps = defaultDeps()): string | null {
  const { fs } = deps;
  const dir = dirname(file);
  const prefix = `${basename(file)}.tmp.`;
  const temps = fs
    .readdir(dir)
    .filter((e) => e.startsWith(prefix))
    .map((e) => join(dir, e));
  if (temps.length === 0) return null;
  temps.sort((a, b) => fs.lstat(b).mtimeMs - fs.lstat(a).mtimeMs);
  const latest = temps[0]!;
  if (validates(latest, fs.readFile(latest))) {
    fs.rename(latest, file);
    for (const t of temps.slice(1)) fs.unlink(t);
    return latest;
  }
  for (const t of temps) fs.unlink(t);
  return null;
}
