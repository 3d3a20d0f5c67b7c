import { RacetrackError } from '../../core/errors.ts';
import { coreSutEntry } from './core.ts';
import { CONTROLS } from './controls/index.ts';
import { checkExecSetup, createExecSut } from './exec/exec-sut.ts';
import type { Scenario } from '../workloads/scenario.ts';
import type { Sut, SutEntry } from './sut.ts';

/** Every named system under test: the core, then the known-broken controls. */
export const SUTS: readonly SutEntry[] = [coreSutEntry, ...CONTROLS];

/**
 * The system under test for a run: `--exec TEMPLATE` (a user's command), else the SUT named by
 * `--sut` (default core). Checks that it can drive the scenario's primitive, and for a command,
 * that its template and the command itself are usable (checkExecSetup).
 */
export function resolveSut(scenario: Scenario, name: string, exec: string | undefined): Sut {
  let sut: Sut;
  if (exec !== undefined) {
    sut = createExecSut(exec);
  } else {
    const entry = SUTS.find((s) => s.name === name);
    if (entry === undefined) {
      throw new RacetrackError('EINVALID', `unknown system under test "${name}"; known: ${SUTS.map((s) => s.name).join(', ')}`, { sut: name });
    }
    sut = entry.create();
  }
  const method = { allocate: 'allocate', reserve: 'reserve', claim: 'claim', write: 'write', update: 'update', lock: 'acquire' }[scenario.primitive];
  if (typeof (sut as unknown as Record<string, unknown>)[method] !== 'function') {
    const which = exec !== undefined ? '--exec' : `"${name}"`;
    throw new RacetrackError('EINVALID', `${which} cannot drive the ${scenario.name} scenario (it has no ${method} operation)`, { sut: name, scenario: scenario.name });
  }
  if (exec !== undefined) checkExecSetup(exec, scenario.primitive);
  return sut;
}
