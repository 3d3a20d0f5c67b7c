import { PHASES } from '../../../core/registry/claim-rules.ts';
import { DEFAULT_LEASE_MS, FIND_MODES, findNext, type FindNextResult } from '../../../core/registry/claimer.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { RacetrackError } from '../../../core/errors.ts';
import type { Status } from '../../../core/registry/entries.ts';
import { noWork, success, type CommandResult } from '../command-result.ts';
import { FORMAT } from '../options.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { parsePositiveInteger, requireOption } from './raw-options.ts';
import { notWithStore, STORE, STORE_HELP, withStore } from '../store-option.ts';

const options = {
  registry: { flags: '--registry <file>', description: 'the registry Markdown file; required unless --store' },
  mode: { flags: '--mode <mode>', description: 'what to find: the next batch, its sites one per line, the status counts, or the batches in progress', choices: FIND_MODES, required: true },
  phase: { flags: '--phase <phase>', description: 'the phase to find work for: required with batch and sites; filters active', choices: PHASES },
  claim: { flags: '--claim', kind: 'flag', description: 'claim what was found, under the lock (needs --owner)' },
  owner: { flags: '--owner <id>', description: 'who claims: recorded in the registry, and the only one an in-progress batch goes back to' },
  leaseMs: {
    flags: '--lease-ms <ms>',
    description: "how long an in-progress claim stays its owner's",
    default: String(DEFAULT_LEASE_MS),
    defaultText: `${DEFAULT_LEASE_MS} (${DEFAULT_LEASE_MS / 60_000} minutes)`,
  },
  lockFile: { flags: '--lock-file <file>', description: 'the lock file', defaultText: 'REGISTRY.lock beside REGISTRY.md' },
  format: FORMAT,
  store: STORE,
} as const;

/** What `racetrack find-next` takes. */
export type FindNextInput = VerbInput<typeof options, []>;

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
  if (result.mode === 'status')
    return Object.entries(result.counts)
      .map(([s, n]) => `${s} ${n}`)
      .join('\n');
  if (result.mode === 'sites') return result.sites.join('\n');
  return result.batch;
}

/**
 * Finds, and with `claim` claims, the next work in the registry. Exit 0 with e.g. `{"batch":"003","sites":["a.example"],"claimed":true,"from":"O","to":"i",…}`
 * (`status`: `{"counts":{…},"total":N,"batches":N}`; `active`: `{"batch","sites","status","owner",
 * "claimedAt","leaseExpired"}`), or with `simple` the text `003` (see `simpleOutput`). Exit 1 with
 * `{"reason":"no_work_found"}` in either format. Bad options or files throw RacetrackError
 * (EINVALID, ENOTFOUND, ECORRUPT, …) and change nothing.
 */
export async function runFindNext(input: FindNextInput, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const owner = input.owner === undefined ? undefined : requireOption('--owner', input.owner);
  if (input.claim && owner === undefined) throw new RacetrackError('EINVALID', '--claim needs --owner ID', { option: '--owner' });
  const leaseMs = parsePositiveInteger('--lease-ms', input.leaseMs, DEFAULT_LEASE_MS);
  if (input.store !== undefined) return findNextInStore(input, input.store, owner, leaseMs);
  const registry = requireOption('--registry', input.registry);
  const lockFile = input.lockFile === undefined ? undefined : requireOption('--lock-file', input.lockFile);

  const result = await findNext(registry, { mode: input.mode, phase: input.phase, claim: input.claim, owner, leaseMs, lockFile }, deps);
  if (!result.found) return noWork(findNextOutput(result));
  return success(input.format === 'simple' ? simpleOutput(result) : findNextOutput(result));
}

/** find-next on a store: only claims (`--mode batch|sites --claim`), which is what a store is for. */
async function findNextInStore(input: FindNextInput, url: string, owner: string | undefined, leaseMs: number): Promise<CommandResult> {
  for (const option of ['registry', 'lockFile'] as const) if (input[option] !== undefined) throw notWithStore(option === 'registry' ? '--registry' : '--lock-file');
  if ((input.mode !== 'batch' && input.mode !== 'sites') || !input.claim || input.phase === undefined) {
    throw new RacetrackError('EINVALID', 'with --store, find-next claims: --mode batch or sites, --phase, --claim and --owner (export the registry to look at it)', {
      option: '--store',
      mode: input.mode,
    });
  }
  const mode = input.mode;
  const phase = input.phase;
  const claim = await withStore(url, (store) => store.claim({ owner: owner!, phase, leaseMs }));
  if (!claim.found) return noWork({ reason: claim.reason });
  const result: FindNextResult = { ...claim, mode, claimed: true, from: claim.from as Status, to: claim.to as Status };
  return success(input.format === 'simple' ? simpleOutput(result) : findNextOutput(result));
}

/** `racetrack find-next`. */
export const findNextVerb = defineVerb({
  name: 'find-next',
  summary: 'find, and with --claim atomically claim, the next batch to work on in a Markdown registry',
  arguments: [],
  options,
  details: [
    'The registry is the first Markdown table whose header has Domain, Batch and Status columns that',
    'Markdown renders as part of the document (not one inside a comment, code block, quote or list).',
    'Statuses follow - B d D O i I Q. A claim applies, under the lock, design B -> d or implement',
    'O -> i (or D -> O) to every row of the batch, records the owner and the claim time (adding Owner',
    'and Claimed columns if absent), and keeps every other byte of the file. Read-only finds take no lock.',
    'An in-progress batch goes back only to its owner, or to anyone once its lease has expired.',
    'With --format simple it prints the batch ID; sites one per line; status "S N" per line.',
    '',
    STORE_HELP,
    'With --store it claims only (--mode batch|sites --claim): the batch row is locked FOR UPDATE SKIP LOCKED.',
    'Move a registry into a store and back with racetrack store-registry import|export.',
  ].join('\n'),
  examples: [
    {
      command: 'racetrack find-next --registry REGISTRY.md --mode batch --phase implement --claim --owner agent-7',
      output: '{"batch":"001","sites":["a.example","b.example"],"claimed":true,"from":"O","to":"i","resumed":false,"owner":"agent-7","claimedAt":"…"}',
    },
    { command: 'racetrack find-next --registry REGISTRY.md --mode status', output: '{"counts":{"-":0,"B":0,"d":0,"D":0,"O":1,"i":2,"I":0,"Q":0},"total":3,"batches":2}' },
  ],
  exitCodes: [
    { code: '0', meaning: 'found (and claimed, with --claim)' },
    { code: '1', meaning: 'no work: {"reason":"no_work_found"}' },
    { code: '2', meaning: 'a missing registry, missing columns, bad options' },
  ],
  run: (input, ctx) => runFindNext(input, ctx.deps),
});
