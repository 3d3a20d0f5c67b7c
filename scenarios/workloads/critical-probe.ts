// racetrack's critical-section probe: the command a lock under test (`run lock --exec "flock
// {lock} {critical}"`) runs while it holds its lock. It records when it entered and left on the
// history's clock, in the events file it is given, and increments the iteration's plain counter
// with a read, a pause and a write, so that two holders at once overlap in the history and lose
// an update. The lock scenario turns its record into the worker's acquire, update and release.
//
//   critical-probe ROOT EVENTS_FILE
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { monotonicNs } from '../../core/runtime.ts';
import { incrementCounter } from './counter-file.ts';

/** How long the probe works inside the lock, between its read and its write: long enough for a second holder to show. */
const PROBE_HOLD_MS = 10;

async function main(): Promise<void> {
  const [root, events] = process.argv.slice(2);
  if (root === undefined || events === undefined) {
    process.stderr.write('usage: critical-probe ROOT EVENTS_FILE\n');
    process.exit(2);
  }
  appendFileSync(events, `${JSON.stringify({ t: 'enter', time: monotonicNs() })}\n`);
  const { before, after } = await incrementCounter(root, PROBE_HOLD_MS);
  appendFileSync(events, `${JSON.stringify({ t: 'exit', time: monotonicNs(), before, after })}\n`);
}

await main();
