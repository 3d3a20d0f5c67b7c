import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { initCounters } from '../../../core/ids/init-counters.ts';
import { success, type CommandResult } from '../command-result.ts';
import { parsePrefixList, requireOption } from './raw-options.ts';

/** Raw options of `racetrack init-counters`. */
export interface InitCountersArgs {
  readonly tasks?: string;
  readonly counters?: string;
  readonly force?: boolean;
  /** Comma-separated list replacing the default prefixes. */
  readonly prefixes?: string;
}

/**
 * `racetrack init-counters --tasks TASKS.md --counters FILE [--force]`: sets the counters from the
 * highest IDs in TASKS.md, never lowering one unless `--force`. Output: the InitCountersReport,
 * `{"counters":{…},"raised":[{prefix,from,to,found}…],"kept":[…],"lowered":[…],"created":bool,
 * "written":bool,"idsSeen":n}`.
 */
export async function runInitCounters(args: InitCountersArgs, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const tasks = requireOption('--tasks', args.tasks);
  const counters = requireOption('--counters', args.counters);
  const prefixes = parsePrefixList(args.prefixes);
  const report = await initCounters(tasks, counters, { force: args.force === true, ...(prefixes === undefined ? {} : { prefixes }) }, deps);
  return success(report);
}
