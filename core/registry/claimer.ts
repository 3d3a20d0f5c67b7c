import { resolve } from 'node:path';
import { applyClaim, findActive, PHASES, selectClaim, type Claimant, type ClaimPick, type Phase } from './claim-rules.ts';
import { checkTempNameFits, syncDirectoryOf, writeAtomic } from '../write/atomic-write.ts';
import { defaultDeps, type Deps } from '../deps.ts';
import { fromFsError, RacetrackError } from '../errors.ts';
import { withLock, type LockOptions } from '../lock/lock.ts';
import { countStatuses, readEntries, type RegistryEntry, type Status } from './entries.ts';
import { parseRegistry, renderRegistry } from './table.ts';
import { lockFileFor } from '../lock/lock-path.ts';

/**
 * What `findNext` looks for. `batch` and `sites` select and claim alike, a whole batch at a time,
 * so a batch never has two owners; `sites` is the same pick seen as the list of sites to work on
 * (the claiming spec's design run takes sites). `status` counts rows per status; `active` finds the batch
 * in progress. `status` and `active` are read-only.
 */
export const FIND_MODES = ['batch', 'sites', 'status', 'active'] as const;
/** One of FIND_MODES. */
export type FindMode = (typeof FIND_MODES)[number];

/** How long an in-progress claim stays its owner's unless renewed: 30 minutes. */
export const DEFAULT_LEASE_MS = 30 * 60 * 1000;

/** How `findNext` looks, and whether and for whom it claims. */
export interface FindNextOptions {
  readonly mode: FindMode;
  /** Required for `batch` and `sites`; filters `active`; ignored by `status`. */
  readonly phase?: Phase;
  /** Claim what is found, under the lock. Only in `batch` and `sites` modes; needs `owner`. */
  readonly claim?: boolean;
  /** Who claims; without `claim`, whose held batches a read-only look (or `active`) may return. */
  readonly owner?: string;
  /** Lease of a claim in ms. Default DEFAULT_LEASE_MS. */
  readonly leaseMs?: number;
  /** The lock file. Default: `REGISTRY.lock` beside `REGISTRY.md` (core/lock/lock-path.ts `lockFileFor`). */
  readonly lockFile?: string;
  readonly lockOptions?: LockOptions;
  /** fsync the rewritten registry and its directory. Default true; false only for benchmarks. */
  readonly durable?: boolean;
}

/** A batch to work on (`batch` and `sites` modes), claimed or only looked at. */
export interface WorkFound {
  readonly found: true;
  readonly mode: 'batch' | 'sites';
  readonly batch: string;
  /** The domains of the batch's rows the claim moves (those in `from`), in table order. */
  readonly sites: readonly string[];
  readonly claimed: boolean;
  /** The rows' status before the claim, and after it (`from === to`: continuing work in progress). */
  readonly from: Status;
  readonly to: Status;
  readonly resumed: boolean;
  /** The claimant when claimed; else the owner now recorded on the rows ('' if none). */
  readonly owner: string;
  /** ISO time of this claim; null for a read-only look. */
  readonly claimedAt: string | null;
  /** The owner recorded before this claim when it was someone else (a lease taken over), else ''. */
  readonly previousOwner: string;
}

/** `status` mode: how many rows have each status. */
export interface StatusCounts {
  readonly found: true;
  readonly mode: 'status';
  readonly counts: Readonly<Record<Status, number>>;
  readonly total: number;
  readonly batches: number;
}

/** `active` mode: the first batch in progress and who holds it. */
export interface ActiveBatch {
  readonly found: true;
  readonly mode: 'active';
  readonly batch: string;
  readonly sites: readonly string[];
  readonly status: Status;
  readonly owner: string;
  readonly claimedAt: string | null;
  /** Whether its lease has run out; null when no owner or claim time is recorded. */
  readonly leaseExpired: boolean | null;
}

/** Nothing to do: a result, not an error (the CLI's exit 1). */
export interface NoWork {
  readonly found: false;
  readonly reason: 'no_work_found';
}

/** What `findNext` returns, keyed on `found` and then `mode`. */
export type FindNextResult = WorkFound | StatusCounts | ActiveBatch | NoWork;

const NO_WORK: NoWork = { found: false, reason: 'no_work_found' };

function invalid(message: string, details: Record<string, unknown> = {}): RacetrackError {
  return new RacetrackError('EINVALID', message, details);
}

/** Throws EINVALID unless `owner` can be written into a table cell and read back unchanged. */
export function validateOwner(owner: unknown): string {
  if (typeof owner !== 'string' || owner.trim() === '' || owner !== owner.trim() || owner.length > 200 || /[\u0000-\u001f\u007f\\]/.test(owner)) {
    throw invalid('owner must be 1–200 characters without surrounding spaces, control characters or backslashes', { owner });
  }
  return owner;
}

function validate(registryFile: string, options: FindNextOptions) {
  if (typeof registryFile !== 'string' || registryFile === '' || registryFile.includes('\0')) throw invalid('registry must be a non-empty path', { registry: registryFile });
  const { mode, phase } = options;
  if (!FIND_MODES.includes(mode)) throw invalid(`mode must be one of ${FIND_MODES.join(', ')}`, { mode });
  if (phase !== undefined && !PHASES.includes(phase)) throw invalid(`phase must be one of ${PHASES.join(', ')}`, { phase });
  if ((mode === 'batch' || mode === 'sites') && phase === undefined) throw invalid(`mode ${mode} needs a phase (design or implement)`, { mode });
  const claim = options.claim ?? false;
  if (claim && mode !== 'batch' && mode !== 'sites') throw invalid(`mode ${mode} is read-only; claim applies to batch and sites`, { mode });
  if (claim && options.owner === undefined) throw invalid('a claim needs an owner', { mode });
  const owner = options.owner === undefined ? null : validateOwner(options.owner);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) throw invalid('leaseMs must be a positive integer', { leaseMs });
  const file = resolve(registryFile);
  const lockFile = resolve(options.lockFile ?? lockFileFor(file));
  if (lockFile === file) throw invalid('the lock file must not be the registry itself', { lockFile });
  return { file, lockFile, claim, owner, leaseMs };
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readRegistryText(file: string, deps: Deps): string {
  let bytes: Uint8Array;
  try {
    bytes = deps.fs.readFile(file);
  } catch (err) {
    throw fromFsError(err, file, 'read registry');
  }
  try {
    return decoder.decode(bytes);
  } catch (err) {
    throw new RacetrackError('ECORRUPT', `registry ${file} is not valid UTF-8`, { path: file }, err);
  }
}

function workFound(mode: 'batch' | 'sites', pick: ClaimPick, claimed: { owner: string; at: string } | null): WorkFound {
  return {
    found: true,
    mode,
    batch: pick.batch,
    sites: pick.rows.map((r) => r.domain),
    claimed: claimed !== null,
    from: pick.rule.from,
    to: pick.rule.to,
    resumed: pick.rule.from === pick.rule.to,
    owner: claimed?.owner ?? pick.rows.find((r) => r.owner !== '')?.owner ?? '',
    claimedAt: claimed?.at ?? null,
    previousOwner: pick.previousOwner,
  };
}

function lookOnly(entries: RegistryEntry[], options: FindNextOptions, claimant: Claimant): FindNextResult {
  if (options.mode === 'status') {
    return { found: true, mode: 'status', counts: countStatuses(entries), total: entries.length, batches: new Set(entries.map((e) => e.batch).filter((b) => b !== '')).size };
  }
  if (options.mode === 'active') {
    const active = findActive(entries, options.phase, claimant.owner);
    if (active === null) return NO_WORK;
    const first = active.rows[0]!;
    const leaseExpired = first.owner === '' || first.claimedAt === null ? null : claimant.now >= first.claimedAt + claimant.leaseMs;
    const claimedAt = first.claimedAt === null ? null : new Date(first.claimedAt).toISOString();
    return { found: true, mode: 'active', batch: active.batch, sites: active.rows.map((r) => r.domain), status: first.status, owner: first.owner, claimedAt, leaseExpired };
  }
  const pick = selectClaim(entries, options.phase!, claimant);
  return pick === null ? NO_WORK : workFound(options.mode, pick, null);
}

/**
 * Finds the next work in the registry table of `registryFile` (see `selectClaim` for the order),
 * and with `claim` takes it: under the registry's lock it re-reads the file, picks, moves the
 * batch's rows along the status flow, records owner and claim time, and replaces the file
 * atomically, every byte outside the changed rows (and added columns) kept. Without `claim` it
 * takes no lock. No work is a `{found: false}` result. Throws EINVALID for bad options or a file
 * with no registry table, ENOTFOUND for a missing file, ECORRUPT for a bad status or Claimed cell,
 * lock errors (ETIMEOUT, ECOMPROMISED) as the lock reports them; the file is then left as it was.
 */
export async function findNext(registryFile: string, options: FindNextOptions & { mode: 'batch' | 'sites' }, deps?: Deps): Promise<WorkFound | NoWork>;
export async function findNext(registryFile: string, options: FindNextOptions & { mode: 'status' }, deps?: Deps): Promise<StatusCounts>;
export async function findNext(registryFile: string, options: FindNextOptions & { mode: 'active' }, deps?: Deps): Promise<ActiveBatch | NoWork>;
export async function findNext(registryFile: string, options: FindNextOptions, deps?: Deps): Promise<FindNextResult>;
export async function findNext(registryFile: string, options: FindNextOptions, deps: Deps = defaultDeps()): Promise<FindNextResult> {
  const { file, lockFile, claim, owner, leaseMs } = validate(registryFile, options);
  const claimant = (): Claimant => ({ owner, now: deps.clock.now(), leaseMs });
  if (!claim) return lookOnly(readEntries(parseRegistry(readRegistryText(file, deps))), options, claimant());

  checkTempNameFits(file);
  const durable = options.durable ?? true;
  const result = await withLock(
    lockFile,
    (lock): WorkFound | NoWork => {
      const table = parseRegistry(readRegistryText(file, deps));
      const who = claimant();
      const pick = selectClaim(readEntries(table), options.phase!, who);
      if (pick === null) return NO_WORK;
      const at = new Date(who.now).toISOString();
      writeAtomic(file, renderRegistry(applyClaim(table, pick, owner!, at)), { durable, lock, syncDirectory: false }, deps);
      return workFound(options.mode as 'batch' | 'sites', pick, { owner: owner!, at });
    },
    options.lockOptions,
    deps,
  );
  // The claim is made durable outside the lock, before the claimer hears it has the batch.
  if (durable && result.found) syncDirectoryOf(file, deps);
  return result;
}
