import { pairOperations, type HistoryEvent, type Operation } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { groupBy } from './group-by.ts';
import { holdIntervals, type Hold } from './hold-intervals.ts';
import { guarded, nonZero, plural, sample, settle } from './settle.ts';

export interface MutualExclusionOptions {
  /** The lock's stale limit in ms: a live holder's lock may be broken after this long. Default 5000. */
  readonly staleMs?: number;
}

/**
 * Slack on a lease, as a fraction of staleMs. Breakers time a lock on the wall clock its record was
 * stamped with, from another process whose wall clock is anchored a few µs apart, while the history
 * is on the monotonic clock and a lease's start is reported a few µs late; and a lock written by
 * another program may stamp with a wall clock that NTP slews (up to 500 ppm).
 */
const CLOCK_SLEW = 0.001;

/**
 * How long each hold is known to have lasted, in ns: `certain` (the holder still held it then, so a
 * new holder before it is a violation) and `possible` (a new holder before it may be legitimate).
 *
 * - released (release ok): the holder vouched for the lock until it began releasing.
 * - compromised (release fail/info, e.g. ECOMPROMISED): the holder was alive when it came to
 *   release, so its lock could be broken legitimately only once stale: certain until
 *   `min(release, lease start + staleMs)`, less CLOCK_SLEW. The lease starts when the record was
 *   stamped, which may precede the create by as long as the holder was descheduled; a lock that
 *   does not report it is timed from its acquire.
 * - open (no release): the worker died or the run ended under it; a dead holder's lock may be
 *   broken at once, so nothing is certain after the acquire; possibly held to the iteration's end.
 */
function bounds(hold: Hold, staleNs: number): { certain: number; possible: number } {
  if (hold.ending === 'released' || hold.ending === 'died') return { certain: hold.end, possible: hold.end };
  // The lock is a lease: past staleMs anyone may break it, and the holder must not act on it
  // (assertHeld). A compromised hold therefore ends by staleMs at the latest; a holder that acted
  // later anyway shows in the other checkers (duplicates, lost updates), not here.
  if (hold.ending === 'compromised') {
    const end = Math.min(hold.end, hold.leaseStart + staleNs - staleNs * CLOCK_SLEW);
    return { certain: end, possible: end };
  }
  return { certain: hold.start, possible: hold.end };
}

const shown = (h: Hold) => ({ worker: h.worker, acquiredAt: h.start, releasedAt: h.ending === 'open' ? null : h.end, ending: h.ending });

/** When the nemesis (worker -1) killed each worker, by `iteration\0worker`: the first kill counts. */
function deaths(history: readonly HistoryEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of history) {
    if (e.worker >= 0 || e.f !== 'kill') continue;
    const worker = (e.value as { worker?: unknown } | null)?.worker;
    const key = `${e.iteration}\u0000${String(worker)}`;
    if (typeof worker === 'number' && !out.has(key)) out.set(key, e.time);
  }
  return out;
}

/**
 * Mutual exclusion: per iteration and lock path, no two hold intervals [acquire ok, release
 * invoke] overlap. A later holder that acquired while an earlier hold was certainly still held
 * fails; one that acquired while an earlier hold was only possibly held (its holder's release
 * failed or never came; see `bounds`) leaves the verdict unknown. So an unreleased hold after a
 * kill never fails the check, while two holders of a fresh lock (a naive stale break) do. Faults
 * need little special casing: a hold whose worker the nemesis killed ends at the kill (a dead
 * process holds nothing), other unreleased holds stay open, and pauses past staleMs show up as
 * compromised holds.
 * Acquires or releases that cannot be paired (no path, a release without an acquire) are doubts.
 * No hold at all is nothing to judge: unknown.
 */
export function mutualExclusion(options: MutualExclusionOptions = {}): Checker {
  return guarded('mutual-exclusion', batchChecker(mutualExclusionIncremental(options)));
}

/** mutual-exclusion, fed iteration by iteration: each part's holds are judged as it comes; counts and a few examples are kept. */
export function mutualExclusionIncremental(options: MutualExclusionOptions = {}): CheckerFactory {
  const staleNs = (options.staleMs ?? 5000) * 1e6;
  return () => {
    const examples: unknown[] = [];
    let overlaps = 0;
    let ambiguous = 0;
    let unpaired = 0;
    let holdCount = 0;
    let pathCount = 0;
    const endings: Record<Hold['ending'], number> = { released: 0, compromised: 0, died: 0, open: 0 };
    const feed = ({ history }: CheckInput): boolean => {
      const before = overlaps + ambiguous + unpaired;
      const ops: Operation[] = pairOperations(history).filter((op) => op.f === 'acquire' || op.f === 'release');
      const found = holdIntervals(ops, iterationEnds(history), deaths(history));
      const { holds } = found;
      unpaired += found.unpaired;
      holdCount += holds.length;
      for (const h of holds) endings[h.ending]++;
      const paths = groupBy(holds, (h) => `${h.iteration}\u0000${h.path}`);
      pathCount += paths.size;
      for (const group of paths.values()) {
        group.sort((a, b) => a.start - b.start);
        let certain: { end: number; hold: Hold } | null = null;
        let possible: { end: number; hold: Hold } | null = null;
        for (const hold of group) {
          if (certain !== null && hold.start < certain.end) {
            overlaps++;
            sample(examples, { iteration: hold.iteration, path: hold.path, first: shown(certain.hold), second: shown(hold) });
          } else if (possible !== null && hold.start < possible.end) {
            ambiguous++;
            sample(examples, { iteration: hold.iteration, path: hold.path, ambiguous: true, first: shown(possible.hold), second: shown(hold) });
          }
          const b = bounds(hold, staleNs);
          if (certain === null || b.certain > certain.end) certain = { end: b.certain, hold };
          if (possible === null || b.possible > possible.end) possible = { end: b.possible, hold };
        }
      }
      return overlaps + ambiguous + unpaired > before;
    };
    const finish = (): CheckResult => {
      const stats = { holds: holdCount, paths: pathCount, compromised: endings.compromised, open: endings.open, overlaps, ambiguous, unpaired };
      const verdict = settle(overlaps, ambiguous + unpaired, holdCount);
      // Certain overlaps first: the examples of a failure should show the failure.
      if (verdict === 'fail') examples.sort((a, b) => Number(hasAmbiguous(a)) - Number(hasAmbiguous(b)));
      const message =
        verdict === 'fail'
          ? `${plural(overlaps, 'hold')} began while another holder still held the same lock`
          : ambiguous + unpaired > 0
            ? `no certain overlap, but: ${nonZero([ambiguous, `${plural(ambiguous, 'hold')} began while a holder that never released cleanly may still have held the lock`], [unpaired, `${plural(unpaired, 'acquire or release', 'acquires or releases')} could not be paired`])}`
            : verdict === 'unknown'
              ? 'nothing to judge: no lock acquisition was recorded'
              : `${plural(holdCount, 'hold')} on ${plural(pathCount, 'lock')}, none overlapping`;
      return { checker: 'mutual-exclusion', verdict, message, examples, stats };
    };
    return { feed, finish };
  };
}

const hasAmbiguous = (x: unknown) => typeof x === 'object' && x !== null && 'ambiguous' in x;

/** The last event time of each iteration: how long an unreleased hold may have lasted. */
function iterationEnds(history: readonly HistoryEvent[]): Map<number, number> {
  const ends = new Map<number, number>();
  for (const e of history) ends.set(e.iteration, Math.max(ends.get(e.iteration) ?? e.time, e.time));
  return ends;
}
