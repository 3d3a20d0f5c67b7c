import { isRacetrackError, RacetrackError, type ErrorCode } from '../../core/errors.ts';
import { siblingModule } from '../../core/runtime.ts';

/**
 * A task the engine runs on every worker, named by module and export so that a thread or a child
 * process can load it by itself. `module` is a file URL (see {@link taskRef}).
 */
export interface TaskRef {
  readonly module: string;
  readonly name: string;
}

/** What a task gets besides its input: its place among the parties, the start barrier, a way home. */
export interface TaskContext {
  /** This worker's number, 0 to parties - 1. */
  readonly party: number;
  readonly parties: number;
  /**
   * The start barrier: resolves when every party has called it, all at once. A task that calls it
   * must be run by parties that all call it as often (or one waits for ever).
   */
  start(): Promise<void>;
  /** Sends `message` to the parent now (it must be structured-cloneable and JSON-serializable). */
  send(message: unknown): void;
}

/** What the engine runs: a function of its input, loaded from a module by {@link TaskRef}. */
export type Task = (input: never, ctx: TaskContext) => Promise<unknown>;

/** A failure as data: what crosses from a worker to its parent instead of a thrown error. */
export interface TaskFailure {
  readonly message: string;
  /** Set when the task threw a RacetrackError: its code and facts. */
  readonly code?: ErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly stack?: string;
}

/** A task's outcome: its value, or its failure. */
export type TaskResult<O = unknown> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly failure: TaskFailure };

/** The task `name` exported by the module `relativeWithoutExt` beside `metaUrl` (pass `import.meta.url`). */
export function taskRef(metaUrl: string, relativeWithoutExt: string, name: string): TaskRef {
  return { module: siblingModule(metaUrl, relativeWithoutExt).href, name };
}

/** What `err` becomes on its way to the parent. */
export function failureOf(err: unknown): TaskFailure {
  if (isRacetrackError(err)) return { message: err.message, code: err.code, details: err.details, ...(err.stack === undefined ? {} : { stack: err.stack }) };
  if (err instanceof Error) return { message: err.message, ...(err.stack === undefined ? {} : { stack: err.stack }) };
  return { message: String(err) };
}

/** The error a parent throws for a worker's failure: the same RacetrackError if it was one, naming the worker. */
export function failureError(failure: TaskFailure, party: number): Error {
  if (failure.code !== undefined) return new RacetrackError(failure.code, failure.message, { ...failure.details, worker: party });
  const err = new Error(`worker ${party} failed: ${failure.message}`);
  if (failure.stack !== undefined) err.stack = `${err.message}\n(in the worker) ${failure.stack}`;
  return err;
}

const loaded = new Map<string, Promise<Task>>();

function load(ref: TaskRef): Promise<Task> {
  const key = `${ref.module}#${ref.name}`;
  let task = loaded.get(key);
  if (task === undefined) {
    task = import(ref.module).then((mod: Record<string, unknown>) => {
      const fn = mod[ref.name];
      if (typeof fn !== 'function') throw new Error(`${ref.module} exports no task ${ref.name}`);
      return fn as Task;
    });
    loaded.set(key, task);
  }
  return task;
}

/** Loads the task ahead of its first run, so that no import lands after the start (a failure is left for {@link runTask}). */
export async function preloadTask(ref: TaskRef): Promise<TaskResult<null>> {
  try {
    await load(ref);
    return { ok: true, value: null };
  } catch (err) {
    return { ok: false, failure: failureOf(err) };
  }
}

/** Loads and runs a task; never throws: whatever it threw comes back as a failure. */
export async function runTask(ref: TaskRef, input: unknown, ctx: TaskContext): Promise<TaskResult> {
  try {
    const task = await load(ref);
    return { ok: true, value: await task(input as never, ctx) };
  } catch (err) {
    return { ok: false, failure: failureOf(err) };
  }
}
