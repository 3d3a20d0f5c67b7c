import { RacetrackError } from '../../core/errors.ts';
import { coreSut } from './core.ts';
import { CONTROLS } from './controls/index.ts';
import { checkExecSetup, createExecSut } from './exec/exec-sut.ts';
import { PEERS } from './peers/index.ts';
import { pgClaimNaive, pgLockAdvisory, pgReserveUnlocked, postgresSut } from './store/postgres.ts';
import type { Primitive, Scenario } from '../workloads/scenario.ts';
import type { Sut, SutOperation } from './sut.ts';
import type { ExecRunner } from './exec/exec-runner.ts';

/**
 * Every named system under test, the one list that `racetrack run --sut`, `racetrack fuzz --sut`,
 * the bench rows, `racetrack list --suts` and the contract tests take implementations from: the
 * core, the known-broken controls, the peers, then the PostgreSQL store and its controls. A user's command (`--exec`) is made per run
 * from its template (exec/exec-sut.ts).
 */
export const SUTS: readonly Sut[] = [coreSut, ...CONTROLS, ...PEERS, postgresSut, pgReserveUnlocked, pgClaimNaive, pgLockAdvisory];

/** The operation a scenario of each primitive calls. */
const PRIMITIVE_OPERATION: Readonly<Record<Primitive, SutOperation>> = {
  allocate: 'allocate',
  reserve: 'reserve',
  claim: 'claim',
  write: 'write',
  update: 'update',
  lock: 'acquire',
};

/** The system under test registered as `name`; EINVALID naming the known ones otherwise. */
export function sutByName(name: string): Sut {
  const sut = SUTS.find((s) => s.name === name);
  if (sut === undefined) {
    const known = SUTS.map((s) => s.name);
    throw new RacetrackError('EINVALID', `unknown system under test "${name}"; known: ${known.join(', ')}`, { sut: name, known });
  }
  return sut;
}

/**
 * The system under test for a run: `--exec TEMPLATE` (a user's command), else the SUT named by
 * `--sut` (default core). Checks that it can drive the scenario's primitive, and for a command,
 * that its template and the command itself are usable (checkExecSetup). `runner`: how a command
 * is run (under strace with `--trace`); the plain spawn otherwise.
 */
export function resolveSut(scenario: Scenario, name: string, exec: string | undefined, runner?: ExecRunner): Sut {
  const sut = exec !== undefined ? createExecSut(exec, undefined, runner) : sutByName(name);
  if (exec !== undefined && scenario.noExec !== undefined) {
    throw new RacetrackError('EINVALID', `--exec cannot drive the ${scenario.name} scenario: ${scenario.noExec}`, { scenario: scenario.name });
  }
  // A lock taken in another process is driven by guard (it runs the critical section itself).
  const operation = PRIMITIVE_OPERATION[scenario.primitive];
  if (typeof sut[operation] !== 'function' && !(scenario.primitive === 'lock' && typeof sut.guard === 'function')) {
    const which = exec !== undefined ? '--exec' : `"${name}"`;
    throw new RacetrackError('EINVALID', `${which} cannot drive the ${scenario.name} scenario (it has no ${operation} operation)`, { sut: name, scenario: scenario.name });
  }
  if (exec !== undefined) checkExecSetup(exec, scenario.primitive);
  return sut;
}
