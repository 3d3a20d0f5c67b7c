// The plain counter file the lock scenarios protect: written with a non-atomic read and write, so
// two holders of the lock at once would both read the same value (a lost update).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IterationSnapshot } from '../../harness/checkers/checker.ts';
import { listEntries } from './entries.ts';

const COUNTER = 'counter';

/** Starts the iteration's counter at 0. */
export function setupCounter(root: string): void {
  writeFileSync(join(root, COUNTER), '0');
}

/**
 * Reads the counter, optionally pauses (as work inside the lock would), calls `beforeWrite` (which
 * may throw to stop the write), and writes it plus one.
 */
export async function incrementCounter(root: string, pauseMs = 0, beforeWrite?: () => void): Promise<{ before: number; after: number }> {
  const before = Number(readFileSync(join(root, COUNTER), 'utf8'));
  if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  beforeWrite?.();
  writeFileSync(join(root, COUNTER), String(before + 1));
  return { before, after: before + 1 };
}

/** The iteration's state: every entry, and the final counter (a problem if it is not an integer). */
export function inspectCounter(root: string, iteration: number): IterationSnapshot {
  const raw = readFileSync(join(root, COUNTER), 'utf8');
  const counter = Number(raw);
  const fileProblems = Number.isInteger(counter) ? [] : [`${COUNTER} holds ${JSON.stringify(raw)}`];
  return { iteration, root, entries: listEntries(root), fileProblems, facts: { counter } };
}
