import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { MAX_RESERVE_COUNT, reserveIds } from '../../../core/ids/reserver.ts';
import { success, type CommandResult } from '../command-result.ts';
import { PREFIXES, PREFIXES_HELP } from '../options.ts';
import { namingPrefixSource, projectPrefixes } from '../prefixes.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { parsePositiveInteger, requireOption } from './raw-options.ts';
import { notWithStore, STORE, STORE_HELP, storeConfigAnchor, withStore } from '../store-option.ts';

const options = {
  counters: { flags: '--counters <file>', description: 'the counters JSON file (create it with init-counters); required unless --store' },
  prefixes: PREFIXES,
  store: STORE,
} as const;

const args = [
  { name: 'prefix', description: 'the ID prefix, e.g. SEC', required: true },
  { name: 'count', description: `how many consecutive IDs, at most ${MAX_RESERVE_COUNT}`, default: '1' },
] as const;

/** What `racetrack reserve` takes. */
export type ReserveInput = VerbInput<typeof options, typeof args>;

/**
 * Reserves COUNT consecutive IDs. Output `{"ids":["SEC-20","SEC-21"],"reservedAt":"2026-02-19T18:00:00.000Z"}`
 * (the ID-reservation spec's shape). COUNT must be a positive decimal integer (at most
 * MAX_RESERVE_COUNT), else EINVALID. `prefixesFrom` says where `input.prefixes` came from
 * (`env`: the `RACETRACK_PREFIXES` variable).
 */
export async function runReserve(input: ReserveInput, deps: Deps = defaultDeps(), prefixesFrom?: string): Promise<CommandResult> {
  const prefix = requireOption('PREFIX', input.prefix);
  const count = parsePositiveInteger('COUNT', input.count, 1);
  if (input.store !== undefined) {
    if (input.counters !== undefined) throw notWithStore('--counters');
    const list = projectPrefixes(input.prefixes, prefixesFrom, storeConfigAnchor(), deps);
    const { ids, reservedAt } = await namingPrefixSource(list, () => withStore(input.store!, (store) => store.reserve(prefix, count, list.prefixes)));
    return success({ ids, reservedAt });
  }
  const counters = requireOption('--counters', input.counters);
  const list = projectPrefixes(input.prefixes, prefixesFrom, counters, deps);
  const { ids, reservedAt } = await namingPrefixSource(list, () => reserveIds(counters, prefix, count, list.prefixes === undefined ? {} : { prefixes: list.prefixes }, deps));
  return success({ ids, reservedAt });
}

/** `racetrack reserve`. */
export const reserveVerb = defineVerb({
  name: 'reserve',
  summary: 'reserve COUNT consecutive task IDs for PREFIX, atomically and durably',
  arguments: args,
  options,
  details: [
    'The new counter is written atomically and durably, under the lock FILE.lock, before the IDs are',
    'printed, so a crash never hands an ID out twice.',
    '',
    PREFIXES_HELP,
    '',
    STORE_HELP,
  ].join('\n'),
  examples: [
    { command: 'racetrack reserve --counters .task-id-counters.json SEC 2', output: '{"ids":["SEC-20","SEC-21"],"reservedAt":"2026-11-22T04:50:29.006Z"}' },
    { command: 'racetrack reserve --counters .task-id-counters.json --prefixes SEC,ACME ACME', output: '{"ids":["ACME-1"],"reservedAt":"2026-11-22T04:50:30.112Z"}' },
    { command: 'racetrack reserve --store postgres://ci@db/tasks SEC 3', output: '{"ids":["SEC-22","SEC-23","SEC-24"],"reservedAt":"2026-12-06T11:40:00.000Z"}' },
  ],
  exitCodes: [
    { code: '0', meaning: 'reserved' },
    { code: '2', meaning: 'an unknown prefix, a bad count, a missing counters file or store schema (run init-counters), a corrupt counters or config file, an unreachable store' },
  ],
  run: (input, ctx) => runReserve(input, ctx.deps, ctx.optionSource('prefixes')),
});
