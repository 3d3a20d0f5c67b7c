import { RacetrackError } from '../../core/errors.ts';
import { allocateScenario } from './allocate.ts';
import { atomicWriteScenario } from './atomic-write.ts';
import { claimScenario } from './claim.ts';
import { lockScenario } from './lock.ts';
import { reserveScenario } from './reserve.ts';
import type { Scenario } from './scenario.ts';
import { staleLockScenario } from './stale-lock.ts';
import { updateJsonScenario } from './update-json.ts';

/** Every scenario `racetrack run` knows, in the order `racetrack list` shows them. */
export const SCENARIOS: readonly Scenario[] = [allocateScenario, reserveScenario, claimScenario, atomicWriteScenario, updateJsonScenario, lockScenario, staleLockScenario];

/** The scenario called `name`; EINVALID naming the known ones otherwise. */
export function scenarioByName(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (found === undefined) {
    throw new RacetrackError('EINVALID', `unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`, { scenario: name });
  }
  return found;
}
