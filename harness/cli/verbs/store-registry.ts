import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { fromFsError, RacetrackError } from '../../../core/errors.ts';
import { writeAtomic } from '../../../core/write/atomic-write.ts';
import { withLock } from '../../../core/lock/lock.ts';
import { lockFileFor } from '../../../core/lock/lock-path.ts';
import { success, type CommandResult } from '../command-result.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { requireOption } from './raw-options.ts';
import { STORE, withStore } from '../store-option.ts';

const DIRECTIONS = ['import', 'export'] as const;

const options = {
  registry: { flags: '--registry <file>', description: 'the registry Markdown file', required: true },
  store: { ...STORE, description: 'the PostgreSQL store (postgres://user@host/db); needs the pg package', required: true },
} as const;

const args = [{ name: 'direction', description: 'import (REGISTRY.md into the store) or export (the store into REGISTRY.md)', required: true }] as const;

/** What `racetrack store-registry` takes. */
export type StoreRegistryInput = VerbInput<typeof options, typeof args>;

const decoder = new TextDecoder();

function readText(registry: string, deps: Deps): string {
  try {
    return decoder.decode(deps.fs.readFile(registry));
  } catch (err) {
    throw fromFsError(err, registry, 'read registry');
  }
}

/**
 * `import`: replaces the store's registry with the file's table, in one transaction; the file is
 * only read. `export`: sets each row's Status, Owner and Claimed in the file to what the store
 * holds (adding Owner and Claimed columns if absent), every other byte kept, written atomically;
 * the file must have the rows the store has (it is the file that was imported). Output
 * `{"direction":"import","sites":N,"batches":N}` or `{"direction":"export","written":bool}`.
 */
export async function runStoreRegistry(input: StoreRegistryInput, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const direction = requireOption('DIRECTION', input.direction);
  if (!(DIRECTIONS as readonly string[]).includes(direction)) throw new RacetrackError('EINVALID', `DIRECTION must be import or export, got ${JSON.stringify(direction)}`, { direction });
  const registry = requireOption('--registry', input.registry);
  const url = requireOption('--store', input.store);
  const text = readText(registry, deps);
  return withStore(url, async (store) => {
    if (direction === 'import') {
      await store.ensureSchema();
      return success({ direction, ...(await store.importRegistry(text)) });
    }
    // Under the registry's own lock, as the file claimer writes it: read again there, then write.
    return withLock(
      lockFileFor(registry),
      async (lock) => {
        const current = readText(registry, deps);
        const next = await store.exportRegistry(current);
        const written = next !== current;
        if (written) writeAtomic(registry, next, { lock }, deps);
        return success({ direction, written });
      },
      {},
      deps,
    );
  });
}

/** `racetrack store-registry`. */
export const storeRegistryVerb = defineVerb({
  name: 'store-registry',
  summary: 'move a Markdown registry into a PostgreSQL store (import), or write the store back into it (export)',
  arguments: args,
  options,
  details: [
    'import replaces the registry table of the store (schema "racetrack") with the rows of REGISTRY.md.',
    'export sets Status, Owner and Claimed of each row of REGISTRY.md to what the store holds, keeping',
    'every other byte, and writes the file atomically; it refuses a file whose rows (domains and',
    'batches, in order) are not the ones imported. Claim from the store with find-next --store.',
  ].join('\n'),
  examples: [
    { command: 'racetrack store-registry import --store postgres://ci@db/work --registry REGISTRY.md', output: '{"direction":"import","sites":24,"batches":12}' },
    { command: 'racetrack store-registry export --store postgres://ci@db/work --registry REGISTRY.md', output: '{"direction":"export","written":true}' },
  ],
  exitCodes: [
    { code: '0', meaning: 'done' },
    { code: '2', meaning: 'a missing or unparsable registry, a file that does not match the store, a missing pg package, an unreachable store' },
  ],
  run: (input, ctx) => runStoreRegistry(input, ctx.deps),
});
