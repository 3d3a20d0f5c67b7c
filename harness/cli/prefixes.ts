import { dirname, join, resolve } from 'node:path';
import type { Deps } from '../../core/deps.ts';
import { errnoCode, fromFsError, isRacetrackError, RacetrackError } from '../../core/errors.ts';
import { checkPrefixList } from '../../core/ids/task-id.ts';

/** A project's racetrack config file: JSON, `{"prefixes": ["SEC", "ACME"]}`, looked for upward from the counters file. */
export const CONFIG_FILE = '.racetrack.json';

/** The prefix list a verb uses, and where it came from. */
export interface ProjectPrefixes {
  /** The list; undefined for the core's default, the ID-reservation spec's. */
  readonly prefixes: readonly string[] | undefined;
  /** `--prefixes`, `RACETRACK_PREFIXES`, the config file's absolute path, or `default`. */
  readonly from: string;
}

/**
 * The task ID prefixes for a verb on `countersFile`, the first of: `--prefixes` (`given`, from the
 * command line), the `RACETRACK_PREFIXES` environment variable (`given` with `source` `env`; set
 * but empty counts as unset), the `prefixes` of the nearest {@link CONFIG_FILE} in the counters
 * file's directory or above it (a nearest one without `prefixes` stops the search), the
 * ID-reservation spec's list. EINVALID for a bad list, ECORRUPT
 * for a config file that is not a JSON object with a list of strings under `prefixes`.
 */
export function projectPrefixes(given: string | undefined, source: string | undefined, countersFile: string, deps: Deps): ProjectPrefixes {
  if (given !== undefined && !(source === 'env' && given.trim() === '')) {
    const from = source === 'env' ? 'RACETRACK_PREFIXES' : '--prefixes';
    return {
      prefixes: checked(
        given
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p.length > 0),
        from,
      ),
      from,
    };
  }
  const config = findConfig(dirname(resolve(countersFile)), deps);
  const prefixes = config === null ? undefined : readPrefixes(config, deps);
  return prefixes === undefined ? { prefixes: undefined, from: 'default' } : { prefixes, from: config! };
}

/**
 * Runs `fn`, adding to an unknown-prefix EINVALID where the list of valid ones came from, so a
 * user whose config was not the one read sees why.
 */
export async function namingPrefixSource<T>(list: ProjectPrefixes, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isRacetrackError(err, 'EINVALID') || !('valid' in err.details)) throw err;
    const whence = list.from === 'default' ? `the ID-reservation spec's list; a project sets its own with --prefixes, RACETRACK_PREFIXES or ${CONFIG_FILE}` : `the list from ${list.from}`;
    throw new RacetrackError('EINVALID', `${err.message} (${whence})`, { ...err.details, prefixesFrom: list.from }, err);
  }
}

function checked(list: readonly unknown[], from: string): readonly string[] {
  try {
    return checkPrefixList(list);
  } catch (err) {
    if (isRacetrackError(err)) throw new RacetrackError(err.code, `${err.message} (from ${from})`, { ...err.details, prefixesFrom: from }, err);
    throw err;
  }
}

/** The nearest config file at `dir` or above it, or null. */
function findConfig(dir: string, deps: Deps): string | null {
  for (let at = dir; ; at = dirname(at)) {
    const path = join(at, CONFIG_FILE);
    try {
      deps.fs.lstat(path);
      return path;
    } catch (err) {
      const errno = errnoCode(err);
      if (errno !== 'ENOENT' && errno !== 'ENOTDIR') throw fromFsError(err, path, 'look for');
    }
    if (dirname(at) === at) return null;
  }
}

function readPrefixes(path: string, deps: Deps): readonly string[] | undefined {
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder().decode(deps.fs.readFile(path)));
  } catch (err) {
    if (err instanceof SyntaxError) throw new RacetrackError('ECORRUPT', `${path} is not valid JSON: ${err.message}`, { path });
    throw fromFsError(err, path, 'read');
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new RacetrackError('ECORRUPT', `${path} must hold a JSON object, e.g. {"prefixes": ["SEC", "ACME"]}`, { path });
  }
  const prefixes = (config as { prefixes?: unknown }).prefixes;
  if (prefixes === undefined) return undefined;
  if (!Array.isArray(prefixes)) throw new RacetrackError('ECORRUPT', `"prefixes" in ${path} must be a list of strings, e.g. ["SEC", "ACME"]`, { path });
  return checked(prefixes, path);
}
