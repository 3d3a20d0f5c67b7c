import { basename, dirname, join } from 'node:path';

/**
 * The lock that guards `file`, which every racetrack writer of it takes (and recovery too): beside
 * it, `<file>.lock` (the counters file `c.json` → `c.json.lock`, as the ID-reservation spec names
 * it), except a Markdown file, whose stem takes the `.lock`: `REGISTRY.md` → `REGISTRY.lock`, as the
 * claiming spec names the registry's lock.
 */
export function lockFileFor(file: string): string {
  const name = basename(file);
  return /\.md$/i.test(name) ? join(dirname(file), `${name.slice(0, -3)}.lock`) : `${file}.lock`;
}
