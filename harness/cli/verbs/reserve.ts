import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { reserveIds } from '../../../core/ids/reserver.ts';
import { success, type CommandResult } from '../command-result.ts';
import { parsePositiveInteger, parsePrefixList, requireOption } from './raw-options.ts';

/** Raw options of `racetrack reserve`: `--counters`, the PREFIX and optional COUNT operands, `--prefixes`. */
export interface ReserveArgs {
  readonly counters?: string;
  readonly prefix?: string;
  /** Decimal string; default 1. */
  readonly count?: string;
  /** Comma-separated list replacing the default prefixes. */
  readonly prefixes?: string;
}

/**
 * `racetrack reserve --counters FILE PREFIX [COUNT]`: reserves COUNT consecutive IDs. Output
 * `{"ids":["SEC-20","SEC-21"],"reservedAt":"2026-02-19T18:00:00.000Z"}` (seed 002's shape).
 * COUNT must be a positive decimal integer (at most MAX_RESERVE_COUNT), else EINVALID.
 */
export async function runReserve(args: ReserveArgs, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const counters = requireOption('--counters', args.counters);
  const prefix = requireOption('PREFIX', args.prefix);
  const count = parsePositiveInteger('COUNT', args.count, 1);
  const prefixes = parsePrefixList(args.prefixes);
  const { ids, reservedAt } = await reserveIds(counters, prefix, count, prefixes === undefined ? {} : { prefixes }, deps);
  return success({ ids, reservedAt });
}
