import { describe, test } from 'node:test';

/** One behaviour of a contract: an id a control test can name, and the check itself. */
export interface ContractCase {
  readonly id: string;
  readonly title: string;
  run(): Promise<void>;
}

/** Registers every case of a contract as a node:test test under one describe block. */
export function registerContract(title: string, cases: readonly ContractCase[]): void {
  describe(title, () => {
    for (const c of cases) test(c.title, () => c.run());
  });
}

/** The case with this id; throws if the contract has none (a typo in a control test). */
export function contractCase(cases: readonly ContractCase[], id: string): ContractCase {
  const found = cases.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no contract case ${id}`);
  return found;
}
