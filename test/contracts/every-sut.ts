import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SUTS } from '../../scenarios/suts/index.ts';
import type { Sut } from '../../scenarios/suts/sut.ts';
import type { ContractCase } from '../support/contract.ts';
import { CONTRACT_OPERATIONS, EXPECTED, type ContractName } from './expected-failures.ts';
import { NO_POSTGRES, useStoreServer } from '../support/pg.ts';

/**
 * How many times a case a system under test must fail is tried before the suite says it no longer
 * fails: a race shows in most tries but not in every one (a loaded machine, or Deno's threads, may
 * run the contenders one after another), while a deterministic failure shows in the first.
 */
const MUST_FAIL_TRIES = 10;

/** Resolves once `run` rejects; fails the test with `message` if it resolved `tries` times. */
async function failsWithin(run: () => Promise<void>, tries: number, message: string): Promise<void> {
  for (let i = 0; i < tries; i++) {
    try {
      await run();
    } catch {
      return;
    }
  }
  assert.fail(message);
}

/**
 * Registers `contract` as node:test tests for every registered system under test that implements
 * its operation. Each case must pass, except those test/contracts/expected-failures.ts says the
 * SUT fails, which must fail, and those it skips, which are reported as skipped with the reason.
 * A case id there that the contract does not have is a typo: registering throws. A store system
 * under test runs on a throwaway PostgreSQL cluster the file starts, and is skipped where there is none.
 */
export function registerForEverySut(name: ContractName, contract: (sut: Sut) => ContractCase[]): void {
  const suts = SUTS.filter((s) => typeof s[CONTRACT_OPERATIONS[name]] === 'function');
  // The PostgreSQL store's systems under test get one throwaway cluster for the file (skipped without PostgreSQL).
  if (suts.some((s) => s.store !== undefined)) useStoreServer();
  for (const sut of suts) {
    const cases = contract(sut);
    const expected = EXPECTED[sut.name]?.[name] ?? {};
    const named = [...(expected.fails ?? []), ...Object.keys(expected.skips ?? {})];
    const unknown = named.filter((id) => !cases.some((c) => c.id === id));
    if (unknown.length > 0) throw new Error(`test/contracts/expected-failures.ts names ${unknown.join(', ')} for ${sut.name}, which the ${name} contract does not have`);
    describe(`${name} contract: ${sut.name}`, { skip: sut.store === undefined ? undefined : NO_POSTGRES }, () => {
      for (const c of cases) {
        const skip = expected.skips?.[c.id];
        if (skip !== undefined) test(c.title, { skip }, () => undefined);
        else if (expected.fails?.includes(c.id)) {
          test(`${c.title} [${sut.name} must fail this]`, () =>
            failsWithin(() => c.run(), MUST_FAIL_TRIES, `${sut.name} no longer fails ${c.id} (passed ${MUST_FAIL_TRIES} tries): take it out of test/contracts/expected-failures.ts`));
        } else test(c.title, () => c.run());
      }
    });
  }
}
