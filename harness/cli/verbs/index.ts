import type { Verb } from '../verb.ts';
import { allocateVerb } from './allocate.ts';
import { benchVerb } from './bench.ts';
import { findNextVerb } from './find-next.ts';
import { fuzzVerb } from './fuzz.ts';
import { initCountersVerb } from './init-counters.ts';
import { listVerb } from './list.ts';
import { lockVerb } from './lock.ts';
import { recoverVerb } from './recover.ts';
import { reserveVerb } from './reserve.ts';
import { runVerb } from './run.ts';
import { selftestVerb } from './selftest.ts';
import { storeRegistryVerb } from './store-registry.ts';
import { validateInboxVerb } from './validate-inbox.ts';
import { writeAtomicVerb } from './write-atomic.ts';

/**
 * Every verb of racetrack, in the order `racetrack --help` and docs/cli.md show them: the core
 * primitives first, then the harness.
 */
export const VERBS: readonly Verb[] = [
  allocateVerb,
  initCountersVerb,
  reserveVerb,
  validateInboxVerb,
  findNextVerb,
  storeRegistryVerb,
  writeAtomicVerb,
  recoverVerb,
  lockVerb,
  listVerb,
  runVerb,
  selftestVerb,
  benchVerb,
  fuzzVerb,
];
