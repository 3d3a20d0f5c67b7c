import { readCounters } from './counters.ts';
import { defaultDeps, type Deps } from '../deps.ts';
import { fromFsError, RacetrackError } from '../errors.ts';
import { checkPrefixList, parseTaskId } from './task-id.ts';

/** Why an inbox task was refused. */
export type InboxRejectReason = 'malformed' | 'unknown-prefix' | 'out-of-range' | 'duplicate';

/** One refused task: its position in `tasks`, its `id` as found, why, and what to do about it. */
export interface InboxRejection {
  readonly index: number;
  readonly id: unknown;
  readonly reason: InboxRejectReason;
  readonly message: string;
}

/** The verdict on an inbox: `valid` exactly when nothing was rejected. */
export interface InboxReport {
  readonly valid: boolean;
  readonly accepted: string[];
  readonly rejected: InboxRejection[];
}

/** Which prefixes an inbox ID may have. */
export interface ValidateInboxOptions {
  /** The prefixes an ID may have. Default `DEFAULT_PREFIXES` (core/ids/task-id.ts). */
  readonly prefixes?: readonly string[];
}

/**
 * Judges inbox tasks against the counters (the ID-reservation spec's inbox rule): an ID is accepted only if it is
 * well formed (`PREFIX-N`, N ≥ 1, no leading zeros), its prefix is known, N is at most the prefix's
 * counter (a prefix absent from the counters is at 0), and no earlier task in the inbox has it.
 */
export function judgeInboxTasks(tasks: readonly unknown[], counters: Readonly<Record<string, number>>, prefixes: readonly string[]): InboxReport {
  const accepted: string[] = [];
  const rejected: InboxRejection[] = [];
  const seen = new Set<string>();
  for (const [index, task] of tasks.entries()) {
    const id = typeof task === 'object' && task !== null ? (task as { id?: unknown }).id : undefined;
    const refuse = (reason: InboxRejectReason, message: string): void => {
      rejected.push({ index, id, reason, message });
    };
    const parsed = parseTaskId(id);
    if (parsed === null) {
      refuse('malformed', `task ${index} has no well-formed id (want PREFIX-N, e.g. SEC-20): ${JSON.stringify(id)}`);
      continue;
    }
    const { prefix, number } = parsed;
    if (!prefixes.includes(prefix)) {
      refuse('unknown-prefix', `Invalid prefix "${prefix}" in ${String(id)}. Valid: ${prefixes.join(', ')}`);
      continue;
    }
    const counter = counters[prefix] ?? 0;
    if (number > counter) {
      const at = counter === 0 ? `no ${prefix} IDs reserved yet` : `counter at ${prefix}-${counter}`;
      refuse('out-of-range', `Invalid task ID ${String(id)}: ${at}. Run: racetrack reserve --counters FILE ${prefix} to reserve IDs first.`);
      continue;
    }
    if (seen.has(String(id))) {
      refuse('duplicate', `${String(id)} appears more than once in the inbox`);
      continue;
    }
    seen.add(String(id));
    accepted.push(String(id));
  }
  return { valid: rejected.length === 0, accepted, rejected };
}

function readInboxTasks(deps: Deps, inboxFile: string): unknown[] {
  let value: unknown;
  let bytes: Uint8Array;
  try {
    bytes = deps.fs.readFile(inboxFile);
  } catch (err) {
    throw fromFsError(err, inboxFile, 'read inbox');
  }
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new RacetrackError('ECORRUPT', `inbox ${inboxFile} is not valid UTF-8 JSON`, { path: inboxFile }, err);
  }
  const tasks = typeof value === 'object' && value !== null ? (value as { tasks?: unknown }).tasks : undefined;
  if (!Array.isArray(tasks)) throw new RacetrackError('ECORRUPT', `inbox ${inboxFile} has no "tasks" array`, { path: inboxFile });
  return tasks;
}

/**
 * Reads the inbox `{"tasks": [{"id": "SEC-20", …}, …]}` and judges each task's ID against the
 * counters file (see {@link judgeInboxTasks}). Reads only, so it takes no lock: counters only
 * grow and are replaced atomically, so a concurrent reservation can only make the verdict stricter
 * than it needs to be, never wrongly accept. ENOTFOUND if either file is missing, ECORRUPT if
 * either does not parse.
 */
export function validateInbox(countersFile: string, inboxFile: string, options: ValidateInboxOptions = {}, deps: Deps = defaultDeps()): InboxReport {
  const prefixes = checkPrefixList(options.prefixes);
  const { counters } = readCounters(countersFile, deps);
  return judgeInboxTasks(readInboxTasks(deps, inboxFile), counters, prefixes);
}
