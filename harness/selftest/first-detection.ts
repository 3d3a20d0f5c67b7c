import { scenarioByName } from '../../scenarios/workloads/index.ts';
import { buildChecker } from '../checkers/build.ts';
import { runChecker, type IterationSnapshot } from '../checkers/checker.ts';
import type { HistoryEvent } from '../history/history.ts';

/**
 * How long a run took to first show a violation: the checkers are run on each iteration alone,
 * in order, and the answer is the time from the run's first event to the last event of the first
 * iteration that fails. null when no single iteration fails on its own.
 */
export function firstDetectionMs(scenarioName: string, history: readonly HistoryEvent[], snapshots: readonly IterationSnapshot[], keep: readonly string[] = []): number | null {
  if (history.length === 0) return null;
  const scenario = scenarioByName(scenarioName);
  const checkers = scenario.checks.map((spec) => [spec.checker, buildChecker(spec)] as const);
  const start = history[0]!.time;
  const byIteration = new Map<number, HistoryEvent[]>();
  for (const e of history) {
    const list = byIteration.get(e.iteration);
    if (list === undefined) byIteration.set(e.iteration, [e]);
    else list.push(e);
  }
  for (const snapshot of [...snapshots].sort((a, b) => a.iteration - b.iteration)) {
    const events = byIteration.get(snapshot.iteration) ?? [];
    const input = { history: events, snapshots: [snapshot], keep, faulted: false };
    if (checkers.some(([name, checker]) => runChecker(name, checker, input).verdict === 'fail')) {
      const end = events.reduce((t, e) => Math.max(t, e.time), start);
      return (end - start) / 1e6;
    }
  }
  return null;
}
