import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { validateInbox } from '../../../core/ids/inbox.ts';
import { noWork, success, type CommandResult } from '../command-result.ts';
import { PREFIXES, PREFIXES_HELP } from '../options.ts';
import { projectPrefixes } from '../prefixes.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { requireOption } from './raw-options.ts';

const options = {
  counters: { flags: '--counters <file>', description: 'the counters JSON file', required: true },
  inbox: { flags: '--inbox <file>', description: 'the inbox JSON file, {"tasks":[{"id":"SEC-20",…}]}', required: true },
  prefixes: PREFIXES,
} as const;

/** What `racetrack validate-inbox` takes. */
export type ValidateInboxInput = VerbInput<typeof options, []>;

/**
 * Judges every inbox ID against the counters. Output: the InboxReport `{"valid":bool,"accepted":[ids],
 * "rejected":[{index,id,reason,message}]}`; exit 0 when every ID is valid, 1 when any was rejected.
 * `prefixesFrom` says where `input.prefixes` came from (`env`: the `RACETRACK_PREFIXES` variable).
 */
export async function runValidateInbox(input: ValidateInboxInput, deps: Deps = defaultDeps(), prefixesFrom?: string): Promise<CommandResult> {
  const counters = requireOption('--counters', input.counters);
  const inbox = requireOption('--inbox', input.inbox);
  const { prefixes } = projectPrefixes(input.prefixes, prefixesFrom, counters, deps);
  const report = validateInbox(counters, inbox, prefixes === undefined ? {} : { prefixes }, deps);
  return report.valid ? success(report) : noWork(report);
}

/** `racetrack validate-inbox`. */
export const validateInboxVerb = defineVerb({
  name: 'validate-inbox',
  summary: 'check that every task ID in an inbox was reserved: none above its counter, none unknown, malformed or repeated',
  arguments: [],
  options,
  details: PREFIXES_HELP,
  examples: [
    {
      command: 'racetrack validate-inbox --counters .task-id-counters.json --inbox task-inbox.json',
      output: '{"valid":false,"accepted":[],"rejected":[{"index":0,"id":"SEC-25","reason":"out-of-range","message":"Invalid task ID SEC-25: counter at SEC-21. …"}]}',
    },
  ],
  exitCodes: [
    { code: '0', meaning: 'every ID is valid' },
    { code: '1', meaning: 'some were rejected (the report says which and why)' },
    { code: '2', meaning: 'a missing or malformed file, a bad prefix list' },
  ],
  run: (input, ctx) => runValidateInbox(input, ctx.deps, ctx.optionSource('prefixes')),
});
