import fc from 'fast-check';
import { join } from 'node:path';
import type { RecoveryEnv, Violation } from '../fuzz-target.ts';
import { recoverAfterCrash } from '../recovery-step.ts';
import { stalledHolderTarget } from '../stalled-holder.ts';
import { describeError, namesIn, readOrNull, showBytes } from '../tree.ts';

/** One update: appends the name of whoever makes it to the JSON file's log. */
export interface AppendOp {
  readonly kind: 'append';
}

export const LOG_FILE = 'log.json';
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The name update `index` appends: the holder's, or one per breaker update. */
function nameOf(index: number): string {
  return index === 0 ? 'holder' : `breaker-${index}`;
}

/** The log the file holds, or why it cannot be read. */
function logIn(bytes: Uint8Array | null): string[] | string {
  if (bytes === null) return 'missing';
  try {
    const log = (JSON.parse(decoder.decode(bytes)) as { log?: unknown }).log;
    return Array.isArray(log) ? log.map(String) : `without a log (${showBytes(bytes)})`;
  } catch {
    return `not JSON (${showBytes(bytes)})`;
  }
}

const append = (name: string) => (current: unknown) => ({ log: [...((current as { log: string[] }).log ?? []), name] });

/**
 * `stalled-update-json`: an updateJson stalls holding the file's lock after reading it, a breaker
 * takes the lock as expired and updates, the holder wakes and dies in its write; then a fresh
 * process recovers and updates once. No acknowledged update is lost, and the next one lands.
 */
export const stalledUpdateJsonTarget = stalledHolderTarget<AppendOp>({
  name: 'stalled-update-json',
  description: 'an updateJson stalls past staleMs holding the lock, a breaker updates, the holder wakes and dies in its write, then recover and one more update: no acknowledged update lost',
  uses: ['update', 'recover'],
  file: LOG_FILE,
  op: fc.constant({ kind: 'append' as const }),
  parseOp: (value) => ((value as AppendOp | null)?.kind === 'append' ? { kind: 'append' } : undefined),
  describe: (_op, index) => `append ${nameOf(index)} to the log`,
  setup(fs, root) {
    const fd = fs.openExclusive(join(root, LOG_FILE));
    fs.write(fd, new TextEncoder().encode('{"log":[]}\n'));
    fs.close(fd);
  },
  perform: (sut, file, _op, index, ctx) => sut.update(file, append(nameOf(index)), ctx),
  async recoverAndCheck(env, file) {
    const { fs } = env.deps;
    const violations: Violation[] = [];
    const lockOptions = await recoverAfterCrash(env as RecoveryEnv<unknown>, file, violations);
    if (lockOptions === null) return violations;
    const after = logIn(readOrNull(fs, file));
    if (typeof after === 'string') {
      violations.push({ invariant: 'file-parses', message: `after recovery, ${LOG_FILE} is ${after}` });
      return violations;
    }
    const lost = [...env.acked.keys()].map(nameOf).filter((name) => !after.includes(name));
    if (lost.length > 0)
      violations.push({ invariant: 'acknowledged-updates-kept', message: `after recovery the log is [${after.join(', ')}]: the acknowledged update(s) of ${lost.join(', ')} were lost` });
    try {
      await env.sut.update(file, append('next'), { lockOptions, deps: env.deps });
    } catch (err) {
      violations.push({ invariant: 'restart-updates', message: `the update after recovery failed: ${describeError(err)}` });
      return violations;
    }
    const final = logIn(readOrNull(fs, file));
    if (typeof final === 'string' || final.join() !== [...after, 'next'].join()) {
      violations.push({
        invariant: 'next-update-lands',
        message: `after one more update the log is ${typeof final === 'string' ? final : `[${final.join(', ')}]`}, expected [${[...after, 'next'].join(', ')}]`,
      });
    }
    const orphans = namesIn(fs, env.root).filter((n) => n !== LOG_FILE);
    if (orphans.length > 0) violations.push({ invariant: 'no-orphans', message: `after recovery, left beside ${LOG_FILE}: ${orphans.join(', ')}` });
    return violations;
  },
});
