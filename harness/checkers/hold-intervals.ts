import type { Operation } from '../history/history.ts';
import { groupBy } from './group-by.ts';
import { stringField } from './unknown-value.ts';

/** One lock hold: from the acquire's ok to the release's invoke (ns). */
export interface Hold {
  readonly iteration: number;
  readonly worker: number;
  readonly path: string;
  readonly start: number;
  /**
   * When the hold's lease began (ns), which is what breakers time: the acquire's `leadMs` (how long
   * before its ok the lock's record was stamped) before `start`, or `start` when not reported.
   */
  readonly leaseStart: number;
  readonly end: number;
  /**
   * `released`: the release completed ok. `compromised`: it completed fail or info (the lock was
   * broken under the holder, or nobody knows). `died`: no release followed, and the nemesis killed
   * the holder's process at `end` (a dead process holds nothing: its lock is stale on proof of
   * death). `open`: no release followed and no death is known; `end` is the iteration's last event.
   */
  readonly ending: 'released' | 'compromised' | 'died' | 'open';
}

/** An acquire's reported `leadMs` in ns; 0 when absent or not a sane non-negative number. */
function leadNs(op: Operation): number {
  const lead = (op.value as { leadMs?: unknown } | null)?.leadMs;
  return typeof lead === 'number' && Number.isFinite(lead) && lead > 0 ? Math.round(lead * 1e6) : 0;
}

const pathOf = (op: Operation) => (op.f === 'acquire' ? (stringField(op.value, 'path') ?? stringField(op.input, 'path')) : (stringField(op.input, 'path') ?? stringField(op.value, 'path')));

/**
 * Pairs each `acquire` ok with the next `release` of the same worker, iteration and path. An
 * acquire followed by another acquire (or nothing) stays open. `unpaired` counts what could not be
 * placed: acquires or releases without a path, and releases with no acquire before them.
 * `acquire` ops that completed fail or info hold nothing known and are ignored. `deaths` maps
 * `iteration\0worker` to the time the nemesis killed that worker's process.
 */
export function holdIntervals(ops: readonly Operation[], iterationEnds: ReadonlyMap<number, number>, deaths: ReadonlyMap<string, number> = new Map()): { holds: Hold[]; unpaired: number } {
  const holds: Hold[] = [];
  let unpaired = 0;
  const marks: { op: Operation; path: string; time: number; leaseStart: number }[] = [];
  for (const op of ops) {
    if (op.f === 'acquire' && op.type !== 'ok') continue;
    const path = pathOf(op);
    if (path === undefined) unpaired++;
    else if (op.f === 'acquire') marks.push({ op, path, time: op.completeTime, leaseStart: op.completeTime - leadNs(op) });
    else marks.push({ op, path, time: op.invokeTime, leaseStart: op.invokeTime });
  }
  for (const group of groupBy(marks, (m) => `${m.op.iteration}\u0000${m.op.worker}\u0000${m.path}`).values()) {
    // At equal times the acquire goes first: a release cannot begin before its own acquire ends.
    group.sort((a, b) => a.time - b.time || Number(a.op.f === 'release') - Number(b.op.f === 'release'));
    let pending: (typeof group)[number] | null = null;
    const open = (m: (typeof group)[number]) => {
      const { iteration, worker } = m.op;
      const died = deaths.get(`${iteration}\u0000${worker}`);
      if (died !== undefined && died >= m.time) holds.push({ iteration, worker, path: m.path, start: m.time, leaseStart: m.leaseStart, end: died, ending: 'died' });
      else holds.push({ iteration, worker, path: m.path, start: m.time, leaseStart: m.leaseStart, end: Math.max(m.time, iterationEnds.get(iteration) ?? m.time), ending: 'open' });
    };
    for (const m of group) {
      if (m.op.f === 'acquire') {
        if (pending !== null) open(pending);
        pending = m;
      } else if (pending === null) {
        unpaired++;
      } else {
        const { iteration, worker } = pending.op;
        holds.push({ iteration, worker, path: m.path, start: pending.time, leaseStart: pending.leaseStart, end: m.time, ending: m.op.type === 'ok' ? 'released' : 'compromised' });
        pending = null;
      }
    }
    if (pending !== null) open(pending);
  }
  return { holds, unpaired };
}
