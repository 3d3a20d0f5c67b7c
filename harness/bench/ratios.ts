import { CORE_IMPL } from './bench-impls.ts';
import type { ContentionPoint, ContentionRow, OverheadResult, RatioName, RatioReport } from './bench-types.ts';
import { meetsTarget, RATIO_TARGETS } from './ratio-targets.ts';

/**
 * The ratio beside its target, with its value in each round (null where a round measured nothing
 * to divide); value null (not measured) gives met null.
 */
export function judgeRatio(name: RatioName, value: number | null, basis: string, rounds: readonly (number | null)[] = []): RatioReport {
  const { atLeast, bound, retired } = RATIO_TARGETS[name];
  const target = `${atLeast ? '>=' : '<='} ${bound}`;
  const perRound = rounds.map((r) => (r !== null && Number.isFinite(r) ? r : null));
  // A retired target is printed as context: its value, and why it is judged no more.
  if (retired !== undefined) return { value: value !== null && Number.isFinite(value) ? value : null, target: `retired (was ${target}): ${retired}`, met: null, basis, rounds: [], roundsMet: 0 };
  if (value === null || !Number.isFinite(value)) return { value: null, target, met: null, basis, rounds: [], roundsMet: 0 };
  const roundsMet = perRound.filter((r) => r !== null && meetsTarget(name, r)).length;
  return { value, target, met: meetsTarget(name, value), basis, rounds: perRound, roundsMet };
}

function pointAt(rows: readonly ContentionRow[], impl: string, workers: number): ContentionPoint | undefined {
  return rows.find((r) => r.name === impl)?.points.find((p) => p.workers === workers);
}

function divide(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || !(b > 0) ? null : a / b;
}

/** Round i of `a` over round i of `b`, for the rounds both ran. */
function divideRounds(a: ContentionPoint | undefined, b: ContentionPoint | undefined): (number | null)[] {
  const mine = a?.roundThroughputs ?? [];
  const theirs = b?.roundThroughputs ?? [];
  return mine.slice(0, theirs.length).map((x, i) => divide(x, theirs[i]));
}

const opsPerSecond = (p: ContentionPoint | undefined) => (p === undefined ? 'not measured' : `${Math.round(p.throughput)} ops/s`);

/**
 * DESIGN.md's ratios from one run: the core's throughput at `reference` workers over its own at 1
 * and over each peer's at `reference`, its p99 wait over the fair share there, and the harness
 * overhead. Ratios whose inputs the run did not measure are null.
 */
export function computeRatios(rows: readonly ContentionRow[], overhead: OverheadResult | null, reference: number): Record<RatioName, RatioReport> {
  const core = pointAt(rows, CORE_IMPL, reference);
  const serial = pointAt(rows, CORE_IMPL, 1);
  const versus = (peer: string): [number | null, string, (number | null)[]] => {
    const theirs = pointAt(rows, peer, reference);
    return [divide(core?.throughput, theirs?.throughput), `core ${opsPerSecond(core)} / ${peer} ${opsPerSecond(theirs)}, both at ${reference} workers`, divideRounds(core, theirs)];
  };
  const fair = core?.p99WaitOverFairShare ?? null;
  return {
    contendedVsSerial: judgeRatio(
      'contendedVsSerial',
      divide(core?.throughput, serial?.throughput),
      `core ${opsPerSecond(core)} at ${reference} workers / ${opsPerSecond(serial)} at 1 worker`,
      divideRounds(core, serial),
    ),
    p99WaitOverFairShare: judgeRatio(
      'p99WaitOverFairShare',
      fair,
      core?.wait && core.hold ? `core p99 wait ${core.wait.p99Ms} ms / (${reference} workers x median hold ${core.hold.p50Ms} ms), all rounds pooled` : `core at ${reference} workers not measured`,
      core?.roundP99WaitOverFairShare ?? [],
    ),
    vsProperLockfile: judgeRatio('vsProperLockfile', ...versus('proper-lockfile')),
    vsSeedSpin: judgeRatio('vsSeedSpin', ...versus('seed-spin')),
    harnessOverhead: judgeRatio(
      'harnessOverhead',
      overhead?.harnessOverhead ?? null,
      overhead === null ? 'not measured' : `racetrack run allocate ${overhead.iterations} x ${overhead.workers} threads ${overhead.harnessMs} ms / bare loop ${overhead.bareMs} ms`,
    ),
    harnessThroughput: judgeRatio(
      'harnessThroughput',
      overhead?.harnessThroughput ?? null,
      overhead === null ? 'not measured' : `bare loop ${overhead.bareMs} ms / racetrack run allocate ${overhead.iterations} x ${overhead.workers} threads ${overhead.harnessMs} ms (same allocations)`,
    ),
  };
}
