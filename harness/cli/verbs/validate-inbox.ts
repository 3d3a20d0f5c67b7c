import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { validateInbox } from '../../../core/ids/inbox.ts';
import { noWork, success, type CommandResult } from '../command-result.ts';
import { parsePrefixList, requireOption } from './raw-options.ts';

/** Raw options of `racetrack validate-inbox`. */
export interface ValidateInboxArgs {
  readonly counters?: string;
  readonly inbox?: string;
  /** Comma-separated list replacing the default prefixes. */
  readonly prefixes?: string;
}

/**
 * `racetrack validate-inbox --counters FILE --inbox FILE`: judges every inbox ID against the
 * counters. Output: the InboxReport `{"valid":bool,"accepted":[ids],"rejected":[{index,id,reason,
 * message}]}`; exit 0 when every ID is valid, 1 when any was rejected.
 */
export async function runValidateInbox(args: ValidateInboxArgs, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const counters = requireOption('--counters', args.counters);
  const inbox = requireOption('--inbox', args.inbox);
  const prefixes = parsePrefixList(args.prefixes);
  const report = validateInbox(counters, inbox, prefixes === undefined ? {} : { prefixes }, deps);
  return report.valid ? success(report) : noWork(report);
}
