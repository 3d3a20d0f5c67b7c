import { groupBatches, type RegistryEntry, type Status } from './entries.ts';
import { setRegistryCell, withOwnerColumns, type RegistryTable } from './table.ts';

/** The phases a claim is made for. */
export const PHASES = ['design', 'implement'] as const;
/** `design` (B → d) or `implement` (D → O → i). */
export type Phase = (typeof PHASES)[number];

/** One claim a phase can make: a batch's rows in `from` move to `to`. `from === to` continues work in progress. */
export interface ClaimRule {
  readonly from: Status;
  readonly to: Status;
}

/**
 * Each phase's claims, highest priority first: the claiming spec's "Claim Behavior" table in the order of
 * its "Auto-detection priority". Design: continue `d`, then `B → d` (`-` needs batching first and is
 * never claimed). Implement: continue `i`, then `O → i`, then `D → O` (which the claiming spec calls
 * "transition to O first"; it is a claim of its own, and the batch stays its claimer's in O).
 */
export const CLAIM_RULES: Readonly<Record<Phase, readonly ClaimRule[]>> = {
  design: [
    { from: 'd', to: 'd' },
    { from: 'B', to: 'd' },
  ],
  implement: [
    { from: 'i', to: 'i' },
    { from: 'O', to: 'i' },
    { from: 'D', to: 'O' },
  ],
};

/** Statuses a claim leaves rows in; their recorded owner holds them until the lease runs out. */
export const HELD_STATUSES: readonly Status[] = ['d', 'O', 'i'];

/** Statuses that mean someone is working on the site. */
export const IN_PROGRESS_STATUSES: readonly Status[] = ['d', 'i'];

/** Who is asking, and when: `owner` null for a read-only look that claims nothing. */
export interface Claimant {
  readonly owner: string | null;
  /** Wall-clock ms. */
  readonly now: number;
  readonly leaseMs: number;
}

/**
 * Who holds a row, as `claimant` sees it: `free` (nobody: not in a held status, or an unowned `O`),
 * `mine` (recorded to the claimant, expired or not), `expired` (another owner whose lease ran out,
 * or who recorded no claim time), `other` (another owner within the lease). An in-progress row with
 * no recorded owner was started outside racetrack: nobody can prove it abandoned, so it is `other`.
 */
export function holdOf(entry: RegistryEntry, claimant: Claimant): 'free' | 'mine' | 'expired' | 'other' {
  if (!HELD_STATUSES.includes(entry.status)) return 'free';
  if (entry.owner === '') return IN_PROGRESS_STATUSES.includes(entry.status) ? 'other' : 'free';
  if (claimant.owner !== null && entry.owner === claimant.owner) return 'mine';
  if (entry.claimedAt === null || claimant.now >= entry.claimedAt + claimant.leaseMs) return 'expired';
  return 'other';
}

/** What a claim (or a read-only look) picked: a batch, the rule that applies, and the rows it moves. */
export interface ClaimPick {
  readonly batch: string;
  readonly rule: ClaimRule;
  /** The batch's rows in `rule.from`, in table order. */
  readonly rows: readonly RegistryEntry[];
  /** The owner recorded on those rows before the claim, when it is not the claimant ('' if none). */
  readonly previousOwner: string;
}

/**
 * The batch `claimant` should work on next in `phase`, or null when there is none. A batch is the
 * unit: it is skipped entirely while any of its rows is held by someone else, so a batch never has
 * two live owners. Rules are tried in priority order; within a rule, batches the claimant already
 * holds come first (an owner resumes its own work before taking over another's), then table order.
 */
export function selectClaim(entries: readonly RegistryEntry[], phase: Phase, claimant: Claimant): ClaimPick | null {
  const open = [...groupBatches(entries)].filter(([, rows]) => rows.every((r) => holdOf(r, claimant) !== 'other'));
  for (const rule of CLAIM_RULES[phase]) {
    const candidates = open.map(([batch, rows]) => ({ batch, rows: rows.filter((r) => r.status === rule.from) })).filter((c) => c.rows.length > 0);
    const held = (c: (typeof candidates)[number]) => c.rows.some((r) => holdOf(r, claimant) === 'mine');
    const pick = candidates.find(held) ?? candidates[0];
    if (pick !== undefined) {
      const previousOwner = pick.rows.find((r) => r.owner !== '' && r.owner !== claimant.owner)?.owner ?? '';
      return { batch: pick.batch, rule, rows: pick.rows, previousOwner };
    }
  }
  return null;
}

/**
 * The table with `pick` claimed: each picked row moved to `pick.rule.to`, with `owner` and
 * `claimedAt` (an ISO time) recorded, Owner and Claimed columns added if absent. No other row changes.
 */
export function applyClaim(table: RegistryTable, pick: ClaimPick, owner: string, claimedAt: string): RegistryTable {
  let next = withOwnerColumns(table);
  const { status, owner: ownerColumn, claimed } = next.columns;
  for (const entry of pick.rows) {
    next = setRegistryCell(next, entry.row, status, pick.rule.to);
    next = setRegistryCell(next, entry.row, ownerColumn!, owner);
    next = setRegistryCell(next, entry.row, claimed!, claimedAt);
  }
  return next;
}

/**
 * The first batch (table order) with rows in progress: `d` for design, `i` for implement, either
 * when `phase` is undefined; only rows recorded to `owner` when it is given. Null when none.
 */
export function findActive(entries: readonly RegistryEntry[], phase: Phase | undefined, owner: string | null): { batch: string; rows: RegistryEntry[] } | null {
  const statuses: readonly Status[] = phase === undefined ? IN_PROGRESS_STATUSES : phase === 'design' ? ['d'] : ['i'];
  for (const [batch, rows] of groupBatches(entries)) {
    const active = rows.filter((r) => statuses.includes(r.status) && (owner === null || r.owner === owner));
    if (active.length > 0) return { batch, rows: active };
  }
  return null;
}
