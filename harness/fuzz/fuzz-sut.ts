import { RacetrackError } from '../../core/errors.ts';
import type { FsFacade } from '../../core/fs-facade.ts';
import { globMatch } from '../checkers/glob-match.ts';
import { namesIn } from './tree.ts';
import { coreSut } from '../../scenarios/suts/core.ts';
import { SUTS, sutByName } from '../../scenarios/suts/index.ts';
import { operationsOf, type Sut, type SutOperation } from '../../scenarios/suts/sut.ts';

/**
 * A system under test as the fuzzer drives it: every operation there is, each taking the fuzzer's
 * deps (the crash-injecting or simulated fs, the virtual clock, the seeded random) in its context.
 * A control overrides the operations its bug lives in and uses the core for the rest.
 */
export type FuzzSut = Sut &
  Required<Pick<Sut, SutOperation>> & {
    /** The operations this SUT replaces (empty for the core). */
    readonly overrides: readonly SutOperation[];
    /**
     * Present for an implementation racetrack did not write (`fuzz --exec`): racetrack never
     * recovers, sweeps or locks its files. What its crashed operations left behind is an orphan
     * only when the user gave a recovery to clean it up (`judgesLeftovers`), less what it keeps
     * on purpose (`keep`, globs); otherwise it is judged by what the implementation's next
     * operation does with it.
     */
    readonly foreign?: { readonly judgesLeftovers: boolean; readonly keep: readonly string[] };
  };

/** What the next caller after a crash is held to, for a failure's message. */
export function nextCallerRule(sut: FuzzSut, reason: string): string {
  return sut.foreign === undefined ? `a lock left by the crash must be broken ${reason}` : 'what the crash left must not stop the next caller';
}

/**
 * The names in `dir` a case must not leave behind: those `expected` does not accept, less what a
 * foreign implementation keeps on purpose; none when a foreign implementation's leftovers are
 * judged by its next operation instead.
 */
export function orphansIn(sut: FuzzSut, fs: FsFacade, dir: string, expected: (name: string) => boolean): string[] {
  if (sut.foreign !== undefined && !sut.foreign.judgesLeftovers) return [];
  const keep = sut.foreign?.keep ?? [];
  return namesIn(fs, dir).filter((n) => !expected(n) && !keep.some((glob) => globMatch(glob, n)));
}

/** The names `fuzz --sut` accepts: every registered SUT that works through the deps it is given. */
const FUZZ_SUT_NAMES: readonly string[] = SUTS.filter((s) => s.honoursDeps).map((s) => s.name);

/**
 * The SUT named `name` from the registry, with the core's operations where it has none of its own.
 * EINVALID for an unknown name, or for one that works on the real file system only.
 */
export function fuzzSut(name: string): FuzzSut {
  const sut = sutByName(name);
  if (sut.kind === 'core') return { ...coreSut, overrides: [] } as FuzzSut;
  if (!sut.honoursDeps) {
    throw new RacetrackError('EINVALID', `--sut ${name} works on the real file system only, so the fuzzer cannot run it on its simulated disk; fuzz takes ${FUZZ_SUT_NAMES.join(', ')}`, {
      sut: name,
      known: FUZZ_SUT_NAMES,
    });
  }
  // The SUT's own fields and operations over the core's: what it does not implement, the core does.
  return { ...coreSut, ...sut, overrides: operationsOf(sut) } as FuzzSut;
}
