import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { initCounters } from '../../../core/ids/init-counters.ts';
import { success, type CommandResult } from '../command-result.ts';
import { PREFIXES, PREFIXES_HELP } from '../options.ts';
import { projectPrefixes } from '../prefixes.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { requireOption } from './raw-options.ts';
import { isRacetrackError } from '../../../core/errors.ts';
import { readTasks } from '../../../core/ids/init-counters.ts';
import { checkPrefixList } from '../../../core/ids/task-id.ts';
import { scanTasksMarkdown } from '../../../core/ids/tasks-md.ts';
import { notWithStore, STORE, STORE_HELP, storeConfigAnchor, withStore } from '../store-option.ts';

const options = {
  tasks: { flags: '--tasks <file>', description: 'the TASKS.md to scan for IDs like SEC-19', required: true },
  counters: { flags: '--counters <file>', description: 'the counters JSON file to create or raise; required unless --store' },
  force: { flags: '--force', kind: 'flag', description: 'also lower counters above the highest ID in TASKS.md' },
  prefixes: PREFIXES,
  store: STORE,
} as const;

/** What `racetrack init-counters` takes. */
export type InitCountersInput = VerbInput<typeof options, []>;

/**
 * Sets the counters from the highest IDs in TASKS.md, never lowering one unless `force`. Output:
 * the InitCountersReport, `{"counters":{…},"raised":[{prefix,from,to,found}…],"kept":[…],
 * "lowered":[…],"created":bool,"written":bool,"idsSeen":n}`. `prefixesFrom` says where the list
 * came from (the `RACETRACK_PREFIXES` environment variable, when the option was not given).
 */
export async function runInitCounters(input: InitCountersInput, deps: Deps = defaultDeps(), prefixesFrom?: string): Promise<CommandResult> {
  const tasks = requireOption('--tasks', input.tasks);
  if (input.store !== undefined) {
    if (input.counters !== undefined) throw notWithStore('--counters');
    const list = checkPrefixList(projectPrefixes(input.prefixes, prefixesFrom, storeConfigAnchor(), deps).prefixes);
    const scan = scanTasksMarkdown(readTasks(deps, tasks), list, tasks);
    const report = await withStore(input.store, async (store) => {
      const created = await store.readCounters().then(
        () => false,
        (err: unknown) => {
          if (isRacetrackError(err, 'ENOTFOUND')) return true;
          throw err;
        },
      );
      await store.ensureSchema();
      const merge = await store.mergeCounters(scan.highest, list, input.force);
      return { ...merge, created, written: created || merge.raised.length > 0 || merge.lowered.length > 0, idsSeen: scan.seen };
    });
    return success(report);
  }
  const counters = requireOption('--counters', input.counters);
  const { prefixes } = projectPrefixes(input.prefixes, prefixesFrom, counters, deps);
  const report = await initCounters(tasks, counters, { force: input.force, ...(prefixes === undefined ? {} : { prefixes }) }, deps);
  return success(report);
}

/** `racetrack init-counters`. */
export const initCountersVerb = defineVerb({
  name: 'init-counters',
  summary: 'create or raise the per-prefix ID counters from the highest IDs in a TASKS.md',
  arguments: [],
  options,
  details: [
    'Writes {"counters":{"SEC":19,…}} atomically, under the lock FILE.lock. It never lowers an existing',
    'counter unless --force is given; counters of prefixes outside the list are kept as they are.',
    '',
    PREFIXES_HELP,
    '',
    STORE_HELP,
    'With --store it creates the schema and tables if absent, then sets the counters in one transaction.',
  ].join('\n'),
  examples: [
    {
      command: 'racetrack init-counters --tasks TASKS.md --counters .task-id-counters.json',
      output: '{"counters":{"SEC":19,"UX":66},"raised":[…],"kept":[],"lowered":[],"created":true,"written":true,"idsSeen":2}',
    },
  ],
  exitCodes: [
    { code: '0', meaning: 'done' },
    { code: '2', meaning: 'a missing TASKS.md, a corrupt counters file, a bad prefix list' },
  ],
  run: (input, ctx) => runInitCounters(input, ctx.deps, ctx.optionSource('prefixes')),
});
