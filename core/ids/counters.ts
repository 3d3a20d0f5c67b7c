import { defaultDeps, type Deps } from '../deps.ts';
import { errnoCode, fromFsError, RacetrackError } from '../errors.ts';
import { PREFIX_PATTERN } from './task-id.ts';

/**
 * A counters file as parsed: `{"counters": {"SEC": 19, …}, …}` (the ID-reservation spec's format). `counters`
 * maps a prefix to the highest number handed out so far (0 = none yet). `extra` holds every other
 * top-level field (e.g. `updatedAt`), kept as found and written back.
 */
export interface CounterState {
  readonly counters: Readonly<Record<string, number>>;
  readonly extra: Readonly<Record<string, unknown>>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function corrupt(file: string, why: string, details: Record<string, unknown> = {}, cause?: unknown): RacetrackError {
  return new RacetrackError('ECORRUPT', `counters file ${file} is corrupt: ${why}`, { path: file, ...details }, cause);
}

/**
 * Parses and checks counters JSON. ECORRUPT unless it is an object whose `counters` is an object
 * mapping prefixes (upper-case, {@link PREFIX_PATTERN}) to non-negative safe integers. Prefixes not
 * in any configured list are allowed here and kept; only reserving under them is refused.
 */
export function parseCounters(bytes: Uint8Array, file: string): CounterState {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw corrupt(file, 'not valid UTF-8 JSON', {}, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(file, 'the top level is not an object');
  const { counters, ...extra } = value as Record<string, unknown>;
  if (typeof counters !== 'object' || counters === null || Array.isArray(counters)) {
    throw corrupt(file, '"counters" is missing or not an object');
  }
  for (const [prefix, n] of Object.entries(counters)) {
    if (!PREFIX_PATTERN.test(prefix)) throw corrupt(file, `${JSON.stringify(prefix)} is not a prefix`, { prefix });
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw corrupt(file, `counter ${prefix} is ${JSON.stringify(n)}, not a non-negative integer`, { prefix, value: n });
    }
  }
  return { counters: counters as Record<string, number>, extra };
}

/** The file's new content: `extra` fields, the counters, and `updatedAt`, pretty-printed. */
export function encodeCounters(counters: Readonly<Record<string, number>>, extra: Readonly<Record<string, unknown>>, updatedAt: string): string {
  return `${JSON.stringify({ ...extra, counters, updatedAt }, null, 2)}\n`;
}

/**
 * Reads and checks a counters file; null if it does not exist. ECORRUPT if it does not parse,
 * EIO if it cannot be read (including a symlink, which is never followed).
 */
export function readCountersIfExists(countersFile: string, deps: Deps = defaultDeps()): CounterState | null {
  let bytes: Uint8Array;
  try {
    bytes = deps.fs.readFile(countersFile);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw fromFsError(err, countersFile, 'read counters file');
  }
  return parseCounters(bytes, countersFile);
}

/** The ENOTFOUND a missing counters file gets, with the fix in its message (as in the ID-reservation spec). */
export function missingCounters(countersFile: string): RacetrackError {
  return new RacetrackError('ENOTFOUND', `Counter file not found: ${countersFile}. Run: racetrack init-counters --tasks TASKS.md --counters ${countersFile}`, { path: countersFile });
}

/** Like {@link readCountersIfExists}, but a missing file is ENOTFOUND telling to run init-counters. */
export function readCounters(countersFile: string, deps: Deps = defaultDeps()): CounterState {
  const state = readCountersIfExists(countersFile, deps);
  if (state === null) throw missingCounters(countersFile);
  return state;
}
