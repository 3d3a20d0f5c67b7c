import type { ContentionPoint, LatencyStats } from './bench-types.ts';
import type { Round } from './contention.ts';
import { jainIndex, p99WaitOverFairShare } from '../stats/fairness.ts';
import { latencyStats, logBuckets, mergeEncoded, mergeHistograms } from '../stats/hdr.ts';

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** p99 wait / (workers × median hold), or null without lock timings. */
function fairShareRatio(wait: LatencyStats | null, hold: LatencyStats | null, workers: number): number | null {
  return wait !== null && hold !== null ? p99WaitOverFairShare(wait.p99Ms, workers, hold.p50Ms) : null;
}

/**
 * One (implementation, workers) point from its rounds. Each round's throughput is its ops over
 * the time from the common start to its last op's end; the point's is the median round, so one
 * round slowed by something else on the machine does not move it. Histograms, op counts per
 * worker and errors are pooled over all rounds.
 */
export function summarizePoint(workers: number, rounds: readonly Round[]): ContentionPoint {
  const outcomes = rounds.flatMap((r) => r.outcomes);
  const ops = outcomes.reduce((s, o) => s + o.ops, 0);
  const errors = outcomes.reduce((s, o) => s + o.errors, 0);
  const roundElapsedMs = rounds.map((r) => Math.max(0, ...r.outcomes.map((o) => o.elapsedNs)) / 1e6);
  const elapsedMs = roundElapsedMs.reduce((s, e) => s + e, 0);
  const roundThroughputs = rounds.map((r, i) => {
    const roundOps = r.outcomes.reduce((s, o) => s + o.ops, 0);
    return roundElapsedMs[i]! > 0 ? roundOps / (roundElapsedMs[i]! / 1000) : 0;
  });
  // Each round's histograms, decoded once: the round's own fairness ratio, then pooled.
  const roundWaits = rounds.map((r) => mergeEncoded(r.outcomes.map((o) => o.wait)));
  const roundHolds = rounds.map((r) => mergeEncoded(r.outcomes.map((o) => o.hold)));
  const roundP99WaitOverFairShare = rounds.map((_, i) => fairShareRatio(latencyStats(roundWaits[i]!), latencyStats(roundHolds[i]!), workers));
  const waitH = mergeHistograms(roundWaits);
  const holdH = mergeHistograms(roundHolds);
  const opH = mergeEncoded(outcomes.map((o) => o.op));
  const wait = latencyStats(waitH);
  const hold = latencyStats(holdH);
  const perWorkerOps = Array.from({ length: workers }, (_, w) => outcomes.filter((o) => o.worker === w).reduce((s, o) => s + o.ops, 0));
  return {
    workers,
    rounds: rounds.length,
    ops,
    errors,
    errorSamples: [...new Set(outcomes.flatMap((o) => o.errorSamples))].slice(0, 3),
    elapsedMs: Math.round(elapsedMs * 1000) / 1000,
    throughput: rounds.length === 0 ? 0 : median(roundThroughputs),
    roundThroughputs,
    wait,
    hold,
    op: latencyStats(opH),
    waitBuckets: logBuckets(waitH),
    holdBuckets: logBuckets(holdH),
    perWorkerOps,
    jain: jainIndex(perWorkerOps),
    p99WaitOverFairShare: fairShareRatio(wait, hold, workers),
    roundP99WaitOverFairShare,
    lockBusy: hold !== null && elapsedMs > 0 ? Math.min(1, (hold.meanMs * ops) / elapsedMs) : null,
    handoffMs: hold !== null && ops > 0 ? Math.max(0, elapsedMs / ops - hold.meanMs) : null,
    inconsistency: rounds.map((r) => r.inconsistency).find((i) => i !== null) ?? null,
  };
}
