import { kernelFlock } from '../../scenarios/suts/peers/kernel-flock.ts';
import { CORE_IMPL } from './bench-impls.ts';
import type { BenchOpName, Ceiling, ContentionPoint, ContentionRow, OverheadResult, RatioName, RatioReport } from './bench-types.ts';
import { meetsTarget, RATIO_TARGETS } from './ratio-targets.ts';

/**
 * The ratio beside its target, with its value in each round (null where a round measured nothing
 * to divide); value null (not measured) gives met null.
 */
export function judgeRatio(name: RatioName, value: number | null, basis: string, rounds: readonly (number | null)[] = []): RatioReport {
  const { atLeast, bound, retired } = RATIO_TARGETS[name];
  const target = `${atLeast ? '>=' : '<='} ${bound}${retired === undefined ? '' : ' (retired)'}`;
  const note = retired === undefined ? {} : { note: retired };
  const perRound = rounds.map((r) => (r !== null && Number.isFinite(r) ? r : null));
  if (value === null || !Number.isFinite(value)) return { value: null, target, bound, met: null, basis, rounds: [], roundsMet: 0, ...note };
  const roundsMet = retired === undefined ? perRound.filter((r) => r !== null && meetsTarget(name, r)).length : 0;
  return { value, target, bound, met: retired === undefined ? meetsTarget(name, value) : null, basis, rounds: perRound, roundsMet, ...note };
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

/** The row of the kernel's flock(2) in `--op lock`. */
const KERNEL_FLOCK_IMPL = kernelFlock.name;

/**
 * DESIGN.md's ratios from one run of `op`: the core's throughput at `reference` workers over its
 * own at 1 and over each peer's at `reference`, its p99 wait over the fair share there, and the
 * harness overhead. The lock-alone ratios need `--op lock`, `reserveVsSpin` `--op reserve`; a ratio
 * whose inputs the run did not measure is null, its basis saying why (a skipped row's reason).
 */
export function computeRatios(rows: readonly ContentionRow[], overhead: OverheadResult | null, reference: number, op: BenchOpName = 'reserve'): Record<RatioName, RatioReport> {
  const core = pointAt(rows, CORE_IMPL, reference);
  const serial = pointAt(rows, CORE_IMPL, 1);
  const versus = (peer: string): [number | null, string, (number | null)[]] => {
    const theirs = pointAt(rows, peer, reference);
    const skipped = rows.find((r) => r.name === peer)?.skipped;
    const why = skipped == null ? '' : ` (${peer} skipped: ${skipped})`;
    return [divide(core?.throughput, theirs?.throughput), `core ${opsPerSecond(core)} / ${peer} ${opsPerSecond(theirs)}, both at ${reference} workers${why}`, divideRounds(core, theirs)];
  };
  /** A ratio that only `wanted` measures: not measured, saying so, in a run of another op. */
  const onlyFor = (wanted: BenchOpName, ratio: [number | null, string, (number | null)[]]): [number | null, string, (number | null)[]] =>
    op === wanted ? ratio : [null, `measured by racetrack bench --op ${wanted}`, []];
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
    lockVsKernelFlock: judgeRatio('lockVsKernelFlock', ...onlyFor('lock', versus(KERNEL_FLOCK_IMPL))),
    lockVsProperLockfile: judgeRatio('lockVsProperLockfile', ...onlyFor('lock', versus('proper-lockfile'))),
    reserveVsSpin: judgeRatio('reserveVsSpin', ...onlyFor('reserve', versus('spec-spin'))),
    vsProperLockfile: judgeRatio('vsProperLockfile', ...versus('proper-lockfile')),
    vsSeedSpin: judgeRatio('vsSeedSpin', ...versus('spec-spin')),
    harnessOverhead: judgeRatio(
      'harnessOverhead',
      overhead?.harnessOverhead ?? null,
      overhead === null ? 'not measured' : `racetrack run allocate ${overhead.iterations} x ${overhead.workers} threads ${overhead.harnessMs} ms / bare loop ${overhead.bareMs} ms`,
    ),
    harnessThroughput: belowJudgedSize(
      judgeRatio(
        'harnessThroughput',
        overhead?.harnessThroughput ?? null,
        overhead === null
          ? 'not measured'
          : `bare loop ${overhead.bareMs} ms / racetrack run allocate ${overhead.iterations} x ${overhead.workers} threads ${overhead.harnessMs} ms (same allocations)`,
      ),
      overhead,
    ),
  };
}

/** The iterations at which harnessThroughput is a target: below them the workers' start-up weighs in. */
export const HARNESS_THROUGHPUT_ITERATIONS = 10_000;

/** harnessThroughput measured on fewer iterations than its target is set at (`bench --quick`): printed as context, not judged. */
function belowJudgedSize(r: RatioReport, overhead: OverheadResult | null): RatioReport {
  if (overhead === null || overhead.iterations >= HARNESS_THROUGHPUT_ITERATIONS || r.value === null) return r;
  return {
    ...r,
    met: null,
    roundsMet: 0,
    note: `measured at ${overhead.iterations} iterations, as context: the target is set at ${HARNESS_THROUGHPUT_ITERATIONS} (--overhead-iterations ${HARNESS_THROUGHPUT_ITERATIONS})`,
  };
}

/**
 * The ceiling of the core's operation: one over the median hold of one worker alone (no lock can
 * hand over faster than its holder works), beside the core's throughput at `reference` workers.
 */
export function computeCeiling(rows: readonly ContentionRow[], reference: number): Ceiling {
  const hold = pointAt(rows, CORE_IMPL, 1)?.hold?.p50Ms ?? null;
  const core = pointAt(rows, CORE_IMPL, reference);
  const ceiling = hold !== null && hold > 0 ? 1000 / hold : null;
  const coreOps = core?.throughput ?? null;
  return {
    opsPerSecond: ceiling,
    holdP50Ms: hold,
    coreOpsPerSecond: coreOps,
    shareOfCeiling: ceiling !== null && coreOps !== null ? coreOps / ceiling : null,
    basis: hold === null ? 'the core at 1 worker was not measured' : `1000 / the core's median hold alone (${hold} ms); the core did ${opsPerSecond(core)} at ${reference} workers`,
  };
}
