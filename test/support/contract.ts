import { describe, test } from 'node:test';

/** One behaviour of a contract: an id the table of expected failures can name, and the check itself. */
export interface ContractCase {
  readonly id: string;
  readonly title: string;
  run(): Promise<void>;
}

/** The lock options of every operation a contract case calls: a timeout no case should reach. */
export const CONTRACT_LOCK_OPTIONS = { timeoutMs: 60_000 } as const;

/** Registers every case of a contract as a node:test test under one describe block. */
export function registerContract(title: string, cases: readonly ContractCase[]): void {
  describe(title, () => {
    for (const c of cases) test(c.title, () => c.run());
  });
}
