import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { scriptCommand, siblingModule } from '../../core/runtime.ts';
import type { FromProcess, ToProcess } from './process-entry.ts';
import type { StartInstant } from './start-barrier.ts';
import { failureError, type TaskRef, type TaskResult } from './task.ts';

/**
 * How to start one worker process: the command that runs process-entry (by default the current
 * runtime on this build's own entry) and the task it loads. A caller gives both to mix runtimes:
 * a Node worker runs the built entry and task, a Deno worker the sources.
 */
export interface ProcessLaunch {
  readonly argv: readonly string[];
  readonly task: TaskRef;
  /**
   * Start the worker as the leader of its own process group, and send a SIGKILL to the whole
   * group: what the worker starts (a user's command) dies with it.
   */
  readonly group?: boolean;
}

/** The launch of a worker of the current runtime running `task`. */
export function launchOf(task: TaskRef): ProcessLaunch {
  return { argv: scriptCommand(fileURLToPath(siblingModule(import.meta.url, './process-entry'))), task };
}

/** How a run of a task on a process ended: its result, or killed by us (its outcome is then unknown). */
export type Settled = TaskResult | { readonly killed: true };

/** What the parent hears from a worker process besides results. */
export interface PartyListeners {
  /** Every message the task sends, in order. */
  readonly onMessage?: (party: number, message: unknown) => void;
  /** The task reached the start barrier. */
  readonly onArrive?: (party: number) => void;
}

/** One child process running process-entry: loads its task once, then runs it as often as told. */
export class ProcessParty {
  readonly party: number;
  readonly child: ChildProcess;
  /** Set by the start coordinator (process-group.ts releaseTogether) before each run. */
  listeners: PartyListeners = {};
  private readonly results: Array<(s: Settled) => void> = [];
  private loadedOrFailed: { resolve: () => void; reject: (e: Error) => void } | undefined;
  /** Why the process is gone, once it is. */
  private exited: string | null = null;
  /** Set when we sent the kill: the exit is then an outcome, not a failure. */
  private killedByUs = false;
  private stderr = '';
  private readonly group: boolean;
  /** Resolves once the process is gone and every line it wrote has been read. */
  private readonly ended: Promise<void>;
  private markEnded: () => void = () => {};

  private constructor(launch: ProcessLaunch, party: number) {
    this.party = party;
    this.group = launch.group === true;
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    const [cmd, ...args] = launch.argv;
    this.child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: this.group });
    this.child.stdin!.on('error', () => {}); // a killed worker's stdin may be gone mid-write
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.receive(JSON.parse(line) as FromProcess));
    this.child.on('error', (err) => this.end(`${cmd} could not start: ${err.message}`));
    // 'close', not 'exit': by then every line it wrote has been read, even those of a killed worker.
    this.child.on('close', (code, signal) => this.end(`exited (code ${code}, signal ${signal}): ${this.stderr.trim().slice(-500)}`));
  }

  /** Starts a worker process and resolves once it has loaded its task. */
  static async start(launch: ProcessLaunch, party: number, parties: number): Promise<ProcessParty> {
    const p = new ProcessParty(launch, party);
    const loaded = new Promise<void>((resolve, reject) => (p.loadedOrFailed = { resolve, reject }));
    p.send({ t: 'load', task: launch.task, party, parties });
    try {
      await loaded;
    } catch (err) {
      p.kill('SIGKILL');
      throw err;
    }
    return p;
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /**
   * Resolves once a worker we killed is gone (at once for one that was not killed, or is gone).
   * A SIGKILL sent just as the worker returned its result leaves it looking alive for a moment:
   * a caller about to run it again, or to decide whether to replace it, must wait for this first,
   * or it would hand the next run to a dead process that never reaches the start barrier.
   */
  async settleKill(): Promise<void> {
    if (this.killedByUs && this.exited === null) await this.ended;
  }

  private end(why: string): void {
    if (this.exited !== null) return;
    this.exited = why;
    this.markEnded();
    this.loadedOrFailed?.reject(failureError({ message: why }, this.party));
    for (const settle of this.results.splice(0)) settle(this.gone());
  }

  /** How a run ends that finds the process gone. */
  private gone(): Settled {
    return this.killedByUs ? { killed: true } : { ok: false, failure: { message: this.exited ?? 'exited' } };
  }

  private receive(msg: FromProcess): void {
    if (msg.t === 'message') this.listeners.onMessage?.(this.party, msg.message);
    else if (msg.t === 'arrived') this.listeners.onArrive?.(this.party);
    else if (msg.t === 'result') this.results.shift()?.(msg.result);
    else if (msg.t === 'ready') this.loadedOrFailed?.resolve();
    else this.loadedOrFailed?.reject(failureError(msg.failure, this.party));
  }

  private send(msg: ToProcess): void {
    if (this.alive) this.child.stdin!.write(`${JSON.stringify(msg)}\n`);
  }

  /** Runs the task once with `input`; runs queue up behind each other. */
  run(input: unknown): Promise<Settled> {
    if (this.exited !== null) return Promise.resolve(this.gone());
    const settled = new Promise<Settled>((resolve) => this.results.push(resolve));
    this.send({ t: 'run', input });
    return settled;
  }

  /** Lets the task past the start barrier at `at`. */
  release(at: StartInstant): void {
    this.send({ t: 'go', at });
  }

  /**
   * Signals the worker; a SIGKILL makes its runs end as killed rather than failed. A SIGKILL or
   * SIGCONT goes to the worker's whole process group when it leads one: its commands die with it,
   * and a command stopped where it took its lock (`--pause` with `--exec`) is continued with it.
   */
  kill(signal: NodeJS.Signals): void {
    if (!this.alive) return;
    if (signal === 'SIGKILL') this.killedByUs = true;
    if ((signal === 'SIGKILL' || signal === 'SIGCONT') && this.group && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, signal);
        return;
      } catch {
        // the group is gone already, or the runtime cannot signal one: the worker itself, then
      }
    }
    this.child.kill(signal);
  }

  /** Asks the worker to exit once its runs are done, and resolves when it has. */
  async exit(): Promise<void> {
    if (!this.alive) return;
    this.send({ t: 'exit' });
    await new Promise((r) => this.child.once('close', r));
  }
}
