import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monotonicNs, scriptCommand, siblingModule } from '../../core/runtime.ts';
import type { Recorder } from '../../harness/history/recorder.ts';
import type { LockObserver } from '../../core/lock/lock.ts';
import { recoverFiles } from './recovery.ts';
import type { Scenario, WorkerContext } from './scenario.ts';
import { incrementCounter, inspectCounter, setupCounter } from './counter-file.ts';

const LOCK = 'section.lock';

/** The argv of racetrack's critical-section probe (critical-probe.ts) for one worker: what `{critical}` expands to. */
export function criticalProbeArgv(root: string, events: string): string[] {
  return [...scriptCommand(fileURLToPath(siblingModule(import.meta.url, './critical-probe'))), root, events];
}

/** One line of the probe's record. */
type ProbeLine = { readonly t: 'enter'; readonly time: number } | { readonly t: 'exit'; readonly time: number; readonly before: number; readonly after: number };

function probeLines(events: string): ProbeLine[] {
  if (!existsSync(events)) return [];
  const lines: ProbeLine[] = [];
  for (const line of readFileSync(events, 'utf8').split('\n')) {
    try {
      lines.push(JSON.parse(line) as ProbeLine);
    } catch {
      // a line cut short by a kill: the probe died there
    }
  }
  return lines;
}

/** A lock the command was seen (through strace) to hold, on the history's clock. */
interface SeenHold {
  readonly acquiredNs: number;
  releasedNs: number | null;
}

/**
 * What the probe recorded, as the history of a lock held around it: the acquire from the command's
 * start (so its wait includes the start-up of the lock command and of the probe) to the probe's
 * entry, the counter's update, and the release at the probe's exit. A probe that entered and never
 * left holds the lock to the end (the command was killed or timed out under it). When the command
 * runs under strace (`--trace`, `--pause`), the acquire completes where it took the lock the probe
 * entered under (`holds`), so a holder paused between its lock and its probe holds from before the
 * pause; a lock released before the probe began (a subshell's) changes nothing.
 */
function recordProbe(rec: Recorder, path: string, startedAt: number, events: string, holds: readonly SeenHold[] = []): void {
  for (const line of probeLines(events)) {
    if (line.t === 'enter') {
      // Traced (strace), the hold begins where the command took the lock the probe ran under.
      const under = holds.filter((h) => h.acquiredNs <= line.time && (h.releasedNs === null || h.releasedNs >= line.time));
      const since = Math.min(line.time, ...under.map((h) => h.acquiredNs));
      rec.record('invoke', 'acquire', { path }, startedAt);
      rec.record('ok', 'acquire', { path }, since);
      rec.record('invoke', 'update', {}, line.time);
    } else {
      rec.record('ok', 'update', { before: line.before, after: line.after }, line.time);
      rec.record('invoke', 'release', { path }, line.time);
      rec.record('ok', 'release', { path }, line.time);
    }
  }
}

/**
 * A lock taken in another process (`--exec "flock {lock} {critical}"`): the command is run with
 * racetrack's probe as the critical section it guards, and the probe's record becomes the
 * worker's acquire, update and release.
 */
async function operateGuard(ctx: WorkerContext): Promise<void> {
  const { root, worker, sut, rec } = ctx;
  const path = join(root, LOCK);
  const events = `${root}.critical-w${worker}.jsonl`;
  const startedAt = monotonicNs();
  const holds = new Map<string, SeenHold>();
  const observer: LockObserver = {
    acquired: (e) => void holds.set(e.token, { acquiredNs: e.observedNs ?? e.at * 1e6, releasedNs: null }),
    released: (e) => {
      const h = holds.get(e.token);
      if (h !== undefined) h.releasedNs = e.observedNs ?? e.at * 1e6;
    },
  };
  await rec.op('guard', { path }, () => sut.guard!(path, criticalProbeArgv(root, events), { lockOptions: { ...ctx.lockOptions, observer } }));
  recordProbe(rec, path, startedAt, events, [...holds.values()]);
}

/**
 * Mutual exclusion of a critical section: each worker takes the lock, increments a plain counter
 * file with a non-atomic read and write, and releases. The scenario records the hold interval
 * itself (not through the core's observer), so any lock implementation is judged the same way;
 * a lock that reports when its lease began (the core's) has that noted too. A lock command
 * (`--exec`) is judged by racetrack's critical-section probe, which it runs while it holds the lock.
 */
export const lockScenario: Scenario = {
  name: 'lock',
  description: 'each worker takes one lock, increments a plain counter file inside it and releases; no two holds may overlap',
  primitive: 'lock',
  setup: setupCounter,
  places: (root) => ({ lock: join(root, LOCK) }),
  async operate(ctx) {
    const { root, sut, rec } = ctx;
    if (sut.acquire === undefined) return operateGuard(ctx);
    const path = join(root, LOCK);
    const lease = rec.leaseLead(ctx.lockOptions);
    const lock = await rec.op(
      'acquire',
      { path },
      () => sut.acquire!(path, { lockOptions: lease.lockOptions }),
      () => lease.withLead({ path }),
    );
    if (lock === undefined) return;
    // A holder woken after its lock was broken (--pause) must find it compromised and not write.
    await rec.op('update', {}, () => incrementCounter(root, 0, () => lock.assertHeld?.()));
    await rec.op(
      'release',
      { path },
      async () => lock.release(),
      () => ({ path }),
    );
  },
  inspect: inspectCounter,
  recover: (root, staleMs) => recoverFiles([], [join(root, LOCK)], staleMs),
  checks: [{ checker: 'mutual-exclusion' }, { checker: 'lost-updates' }, { checker: 'files-valid' }, { checker: 'no-orphans' }],
};
