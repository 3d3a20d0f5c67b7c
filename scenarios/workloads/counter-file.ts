// The plain counter file the lock scenarios protect: written with a non-atomic read and write, so
// two holders of the lock at once would both read the same value (a lost update).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { join } from 'node:path';
import type { IterationSnapshot } from '../../harness/checkers/checker.ts';
import { listEntries } from './entries.ts';

const COUNTER = 'counter';

/** Starts the iteration's counter at 0. */
export function setupCounter(root: string): void {
  writeFileSync(join(root, COUNTER), '0');
}

let writes = 0;

/**
 * Reads the counter, optionally pauses (as work inside the lock would), calls `beforeWrite` (which
 * may throw to stop the write), and writes it plus one. The read and the write are two steps (two
 * holders at once lose an update), but the write itself replaces the file whole, through a temp
 * beside the root (not in it), so that a holder killed mid-write (--kill-rate) leaves the old or
 * the new count, never a torn one that reads as 0.
 */
export async function incrementCounter(root: string, pauseMs = 0, beforeWrite?: () => void): Promise<{ before: number; after: number }> {
  const before = Number(readFileSync(join(root, COUNTER), 'utf8'));
  if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  beforeWrite?.();
  const temp = `${root}.${COUNTER}.${process.pid}.${writes++}`;
  writeFileSync(temp, String(before + 1));
  renameSync(temp, join(root, COUNTER));
  return { before, after: before + 1 };
}

/** The iteration's state: every entry, and the final counter (a problem if it is not an integer). */
export function inspectCounter(root: string, iteration: number): IterationSnapshot {
  const raw = readFileSync(join(root, COUNTER), 'utf8');
  const counter = Number(raw);
  const fileProblems = Number.isInteger(counter) ? [] : [`${COUNTER} holds ${JSON.stringify(raw)}`];
  return { iteration, root, entries: listEntries(root), fileProblems, facts: { counter } };
}
