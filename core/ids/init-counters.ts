import { checkTempNameFits, writeAtomic } from '../write/atomic-write.ts';
import { encodeCounters, readCountersIfExists } from './counters.ts';
import { defaultDeps, type Deps } from '../deps.ts';
import { fromFsError, RacetrackError } from '../errors.ts';
import { withLock, type LockOptions } from '../lock/lock.ts';
import { checkPrefixList } from './task-id.ts';
import { scanTasksMarkdown } from './tasks-md.ts';
import { lockFileFor } from '../lock/lock-path.ts';

/** How `initCounters` merges, which prefixes it scans for, and how it locks and syncs. */
export interface InitCountersOptions {
  /** Let counters go down to what TASKS.md shows (the ID-reservation spec's "counter drift" fix). Default false. */
  readonly force?: boolean;
  /** The prefixes to look for. Default `DEFAULT_PREFIXES` (core/ids/task-id.ts). */
  readonly prefixes?: readonly string[];
  readonly lockOptions?: LockOptions;
  /** Default true; false only for benchmarks. */
  readonly durable?: boolean;
}

/** One counter's fate: its value before (null if absent), after, and the highest ID in TASKS.md. */
export interface CounterChange {
  readonly prefix: string;
  readonly from: number | null;
  readonly to: number;
  readonly found: number | null;
}

/** What `initCounters` did. Every counter in the result is in exactly one of the three lists. */
export interface InitCountersReport {
  /** The counters as they now are on disk. */
  readonly counters: Record<string, number>;
  readonly raised: CounterChange[];
  readonly kept: CounterChange[];
  readonly lowered: CounterChange[];
  /** True when there was no counters file before. */
  readonly created: boolean;
  /** False when nothing changed, in which case the file was left byte for byte as it was. */
  readonly written: boolean;
  /** How many IDs under known prefixes TASKS.md holds (repeats included). */
  readonly idsSeen: number;
}

const decoder = new TextDecoder();

/** The text of TASKS.md; ENOTFOUND when it is missing. */
export function readTasks(deps: Deps, tasksFile: string): string {
  try {
    return decoder.decode(deps.fs.readFile(tasksFile));
  } catch (err) {
    throw fromFsError(err, tasksFile, 'read tasks file');
  }
}

/** The counters after a merge, and each counter's fate (see `initCounters`). */
export interface CounterMerge {
  readonly counters: Record<string, number>;
  readonly raised: CounterChange[];
  readonly kept: CounterChange[];
  readonly lowered: CounterChange[];
}

/**
 * Merges the highest IDs found (`highest`, per prefix) into the counters `before`: a known prefix
 * is raised to what was found, lowered only with `force`; counters of unknown prefixes are kept.
 * Shared by the counters file and the PostgreSQL store.
 */
export function mergeCounters(before: Readonly<Record<string, number>>, highest: Readonly<Record<string, number>>, prefixes: readonly string[], force: boolean): CounterMerge {
  const counters: Record<string, number> = {};
  const raised: CounterChange[] = [];
  const kept: CounterChange[] = [];
  const lowered: CounterChange[] = [];
  for (const [prefix, from] of Object.entries(before)) {
    const known = prefixes.includes(prefix);
    const found = known ? (highest[prefix] ?? null) : null;
    const target = found ?? 0;
    if (known && target > from) raised.push({ prefix, from, to: target, found });
    else if (known && target < from && force) lowered.push({ prefix, from, to: target, found });
    else kept.push({ prefix, from, to: from, found });
  }
  for (const prefix of prefixes) {
    const found = highest[prefix];
    if (found !== undefined && !Object.hasOwn(before, prefix)) raised.push({ prefix, from: null, to: found, found });
  }
  for (const prefix of Object.keys(before)) counters[prefix] = before[prefix]!;
  for (const change of [...raised, ...lowered]) counters[change.prefix] = change.to;
  return { counters, raised, kept, lowered };
}

/**
 * Sets the counters in `countersFile` from the highest ID per prefix found in the Markdown file
 * `tasksFile`, merging with the counters already there: a counter is raised to what TASKS.md
 * shows, and never lowered unless `force` is set. With `force`, every known prefix in the file is
 * set to what TASKS.md shows (0 if it shows none). Counters under prefixes outside the configured
 * list are kept untouched, even with `force`; IDs under such prefixes in TASKS.md are ignored.
 *
 * Runs under the counters lock and writes atomically, so it is safe beside running reservations.
 * ENOTFOUND if TASKS.md is missing, ECORRUPT if the existing counters file does not parse (it is
 * then left alone: fix or delete it by hand), EINVALID for a bad prefix list.
 */
export async function initCounters(tasksFile: string, countersFile: string, options: InitCountersOptions = {}, deps: Deps = defaultDeps()): Promise<InitCountersReport> {
  const prefixes = checkPrefixList(options.prefixes);
  for (const [what, path] of [
    ['tasksFile', tasksFile],
    ['countersFile', countersFile],
  ] as const) {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
      throw new RacetrackError('EINVALID', `${what} must be a non-empty path without NUL`, { [what]: path });
    }
  }
  checkTempNameFits(countersFile);
  const scan = scanTasksMarkdown(readTasks(deps, tasksFile), prefixes, tasksFile);

  return withLock(
    lockFileFor(countersFile),
    (lock) => {
      const existing = readCountersIfExists(countersFile, deps);
      const { counters, raised, kept, lowered } = mergeCounters(existing?.counters ?? {}, scan.highest, prefixes, options.force === true);
      const written = existing === null || raised.length > 0 || lowered.length > 0;
      if (written) {
        const updatedAt = new Date(deps.clock.now()).toISOString();
        writeAtomic(countersFile, encodeCounters(counters, existing?.extra ?? {}, updatedAt), { durable: options.durable ?? true, lock }, deps);
      }
      return { counters, raised, kept, lowered, created: existing === null, written, idsSeen: scan.seen };
    },
    options.lockOptions,
    deps,
  );
}
