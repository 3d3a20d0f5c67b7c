import { errnoCode } from '../../core/errors.ts';
import { isCrash } from '../sim/crash.ts';
import type { FuzzEvent, RunEnv } from './fuzz-target.ts';

/**
 * Runs `perform` for each operation in turn, recording invoke/ok/fail with the fs call count. Stops
 * at the crash (a Crash thrown, or the facade dead even if the primitive swallowed it: a result
 * returned by a dead process reaches nobody) and at the first real failure, which the harness
 * reports as a violation: none of the fuzzed operations may fail without a crash. What a crashed
 * operation had already told its caller (Crash.value) is recorded as its result.
 */
export async function runOps<Op>(ops: readonly Op[], env: RunEnv, events: FuzzEvent[], perform: (op: Op, index: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ops.length; i++) {
    if (env.dead()) return;
    events.push({ op: i, type: 'invoke', call: env.calls() });
    let value: unknown;
    try {
      value = await perform(ops[i]!, i);
    } catch (err) {
      if (isCrash(err) && err.value !== undefined) events.push({ op: i, type: 'ok', call: env.calls(), value: err.value });
      if (isCrash(err) || env.dead()) return;
      const code = (err as { code?: unknown }).code ?? errnoCode(err);
      const message = err instanceof Error ? err.message : String(err);
      events.push({ op: i, type: 'fail', call: env.calls(), error: `${typeof code === 'string' ? `${code}: ` : ''}${message}` });
      return;
    }
    if (env.dead()) return;
    events.push({ op: i, type: 'ok', call: env.calls(), value });
  }
}
