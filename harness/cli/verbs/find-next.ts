import { PHASES, type Phase } from '../../../core/registry/claim-rules.ts';
import { DEFAULT_LEASE_MS, FIND_MODES, findNext, type FindNextResult } from '../../../core/registry/claimer.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { RacetrackError } from '../../../core/errors.ts';
import { noWork, success, type CommandResult } from '../command-result.ts';
import { parseChoice, parsePositiveInteger, requireOption } from './raw-options.ts';

/** Raw options of `racetrack find-next`, as the argument parser left them. */
export interface FindNextArgs {
  readonly registry?: string;
  readonly mode?: string;
  /** `design` or `implement`; required by the batch and sites modes. */
  readonly phase?: string;
  readonly claim?: boolean | string;
  readonly owner?: string;
  /** Decimal milliseconds. */
  readonly leaseMs?: string;
  readonly lockFile?: string;
  /** `json` (default) or `simple`. */
  readonly format?: string;
}

function parseClaimFlag(value: boolean | string | undefined): boolean {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new RacetrackError('EINVALID', `--claim takes no value, got ${JSON.stringify(value)}`, { option: '--claim', value });
}

/** The JSON printed for a result: the library result without its `found` and `mode` keys, empty facts left out. */
export function findNextOutput(result: FindNextResult): Record<string, unknown> {
  if (!result.found) return { reason: result.reason };
  switch (result.mode) {
    case 'status':
      return { counts: result.counts, total: result.total, batches: result.batches };
    case 'active':
      return { batch: result.batch, sites: result.sites, status: result.status, owner: result.owner, claimedAt: result.claimedAt, leaseExpired: result.leaseExpired };
    default: {
      const out: Record<string, unknown> = { batch: result.batch, sites: result.sites, claimed: result.claimed, from: result.from, to: result.to, resumed: result.resumed };
      if (result.owner !== '') out.owner = result.owner;
      if (result.claimedAt !== null) out.claimedAt = result.claimedAt;
      if (result.previousOwner !== '') out.previousOwner = result.previousOwner;
      return out;
    }
  }
}

/** The `--format simple` text: the batch ID; for `sites` one domain per line; for `status` `S N` per line. */
function simpleOutput(result: Exclude<FindNextResult, { found: false }>): string {
  if (result.mode === 'status') return Object.entries(result.counts).map(([s, n]) => `${s} ${n}`).join('\n');
  if (result.mode === 'sites') return result.sites.join('\n');
  return result.batch;
}

/**
 * `racetrack find-next --registry FILE --mode batch|sites|status|active [--phase design|implement]
 * [--claim --owner ID] [--lease-ms N] [--lock-file FILE] [--format json|simple]`.
 *
 * Exit 0 with e.g. `{"batch":"003","sites":["a.example"],"claimed":true,"from":"O","to":"i",…}`
 * (`status`: `{"counts":{…},"total":N,"batches":N}`; `active`: `{"batch","sites","status","owner",
 * "claimedAt","leaseExpired"}`), or with `simple` the text `003` (see `simpleOutput`). Exit 1 with
 * `{"reason":"no_work_found"}` in either format. Bad options or files throw RacetrackError
 * (EINVALID, ENOTFOUND, ECORRUPT, …) and change nothing.
 */
export async function runFindNext(args: FindNextArgs, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const registry = requireOption('--registry', args.registry);
  const mode = parseChoice('--mode', requireOption('--mode', args.mode), FIND_MODES, 'batch');
  const phase = args.phase === undefined ? undefined : parseChoice<Phase>('--phase', args.phase, PHASES, 'implement');
  const claim = parseClaimFlag(args.claim);
  const owner = args.owner === undefined ? undefined : requireOption('--owner', args.owner);
  if (claim && owner === undefined) throw new RacetrackError('EINVALID', '--claim needs --owner ID', { option: '--owner' });
  const leaseMs = parsePositiveInteger('--lease-ms', args.leaseMs, DEFAULT_LEASE_MS);
  const lockFile = args.lockFile === undefined ? undefined : requireOption('--lock-file', args.lockFile);
  const format = parseChoice('--format', args.format, ['json', 'simple'] as const, 'json');

  const result = await findNext(registry, { mode, phase, claim, owner, leaseMs, lockFile }, deps);
  if (!result.found) return noWork(findNextOutput(result));
  return success(format === 'simple' ? simpleOutput(result) : findNextOutput(result));
}
