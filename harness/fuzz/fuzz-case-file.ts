import type { CrashPoint } from '../sim/crash-fs.ts';
import type { PendingChoice } from '../sim/power-loss.ts';
import type { DiskKind } from './fuzz-disk.ts';
import type { ExecFuzzSetup } from './exec/exec-fuzz-setup.ts';
import type { ExecCrashPoint } from './exec/exec-fuzz-sut.ts';
import type { RaceCase } from './race.ts';

/** How the world ends in a case: a process crash, a power loss, or (for the breaker race) no end at all. */
export type FuzzMode = 'crash' | 'power-loss' | 'race';

/**
 * One replayable case, as written to the replay file: enough to re-run exactly that case
 * (`racetrack fuzz --replay FILE`), plus fast-check's seed and path to re-find it by search.
 */
export interface FuzzCase {
  readonly primitive: string;
  readonly sut: string;
  readonly mode: FuzzMode;
  readonly powerLoss: boolean;
  readonly disk: DiskKind;
  readonly seed: number;
  /** fast-check's counterexample path (with `seed`, replays the search to this case); null for a case given by hand. */
  readonly path: string | null;
  /** crash and power-loss modes: the operations of the process that crashes. */
  readonly ops?: readonly unknown[];
  /** crash mode: where the process died; null when the run without a crash already failed. */
  readonly crash?: CrashPoint | null;
  /**
   * power-loss mode: the instant (fs calls completed) and which pending changes survived. With
   * `exec`, `instants: 'replayed-calls'` says each instant is a call of the command replayed on the
   * simulated disk; a case an earlier racetrack wrote without it counted the replay's own look-ups
   * too, and its instant is mapped when it replays.
   */
  readonly powerLossState?: { readonly instant: number; readonly choices: readonly PendingChoice[]; readonly instants?: 'replayed-calls' };
  /** race mode. */
  readonly race?: RaceCase;
  /** `fuzz --exec`: the user's commands the case runs. */
  readonly exec?: ExecFuzzSetup;
  /** `fuzz --exec`, crash mode: where the command's process tree was killed; null when the run without a crash already failed. */
  readonly execCrash?: ExecCrashPoint | null;
}

/** The replay file: a marker, a version, the case, and (for people) what it broke. */
export interface FuzzCaseFile extends FuzzCase {
  readonly racetrack: 'fuzz-case';
  readonly version: 1;
  readonly violations?: readonly { readonly invariant: string; readonly message: string }[];
}
