import { acquireLock } from '../../core/lock/lock.ts';
import { allocateTopic } from '../../core/topics/allocator.ts';
import { writeAtomic } from '../../core/write/atomic-write.ts';
import { findNext } from '../../core/registry/claimer.ts';
import { recover } from '../../core/write/recover.ts';
import { reserveIds } from '../../core/ids/reserver.ts';
import { updateJson } from '../../core/write/update-json.ts';
import type { Sut } from './sut.ts';

/** racetrack's own primitives, durable as they ship (the default system under test). */
export const coreSut: Sut = {
  name: 'core',
  kind: 'core',
  description: "racetrack's own primitives, as the library and the CLI verbs run them (the default)",
  honoursDeps: true,
  honoursIdentity: true,
  allocate: (root, name, { lockOptions, deps, durable }) => allocateTopic(root, name, { lockOptions, durable }, deps),
  reserve: (counters, prefix, count, { lockOptions, deps, durable }) => reserveIds(counters, prefix, count, { lockOptions, durable }, deps),
  async claim(registry, owner, phase, { lockOptions, deps, durable }) {
    const result = await findNext(registry, { mode: 'batch', phase, claim: true, owner, lockOptions, durable }, deps);
    return result.found ? { batch: result.batch, sites: result.sites } : null;
  },
  write: async (file, data, { deps, durable }) => writeAtomic(file, data, { durable }, deps),
  update: (file, fn, { lockOptions, deps, durable }) => updateJson(file, fn, { lockOptions, durable }, deps),
  recover: (file, writersDead, { lockOptions, deps }) => recover(file, writersDead ? { lockOptions, minAgeMs: 0 } : { lockOptions }, deps),
  acquire: (lockPath, { lockOptions, deps }) => acquireLock(lockPath, lockOptions, deps),
};
