import { acquireLock } from '../../core/lock/lock.ts';
import { allocateTopic } from '../../core/topics/allocator.ts';
import { writeAtomic } from '../../core/write/atomic-write.ts';
import { findNext } from '../../core/registry/claimer.ts';
import { reserveIds } from '../../core/ids/reserver.ts';
import { updateJson } from '../../core/write/update-json.ts';
import type { Sut, SutEntry } from './sut.ts';

/** racetrack's own primitives, durable as they ship. */
export function createCoreSut(): Sut {
  return {
    name: 'core',
    allocate: (root, name, hooks) => allocateTopic(root, name, { lockOptions: hooks.lockOptions }),
    reserve: (counters, prefix, count, hooks) => reserveIds(counters, prefix, count, { lockOptions: hooks.lockOptions }),
    async claim(registry, owner, hooks) {
      const result = await findNext(registry, { mode: 'batch', phase: 'implement', claim: true, owner, lockOptions: hooks.lockOptions });
      return result.found ? { batch: result.batch, sites: result.sites } : null;
    },
    write: async (file, data) => writeAtomic(file, data),
    update: (file, fn, hooks) => updateJson(file, fn, { lockOptions: hooks.lockOptions }),
    acquire: (lockPath, hooks) => acquireLock(lockPath, hooks.lockOptions),
  };
}

export const coreSutEntry: SutEntry = {
  name: 'core',
  description: "racetrack's own primitives (the default)",
  status: 'ready',
  create: createCoreSut,
};
