import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePayload, parsePayload } from './payload.ts';
import { recoverFiles } from './recovery.ts';
import type { Scenario } from './scenario.ts';
import { listEntries } from './entries.ts';

const TARGET = 'state.md';
const encoder = new TextEncoder();

function readTarget(root: string): { valid: boolean; payload: string | null } {
  const path = join(root, TARGET);
  if (!existsSync(path)) return { valid: false, payload: null };
  const payload = parsePayload(readFileSync(path, 'utf8'));
  return { valid: payload !== null, payload };
}

/** The atomic-write spec's hazard: many writers replace one state file while others read it. */
export const atomicWriteScenario: Scenario = {
  name: 'atomic-write',
  description: 'each worker replaces a shared 32 KiB state file with its own payload, then reads it back; readers must never see a torn file',
  primitive: 'write',
  setup(root) {
    writeFileSync(join(root, TARGET), makePayload('initial'));
  },
  places: (root) => ({ file: join(root, TARGET) }),
  async operate(ctx) {
    const { root, worker, iteration, sut, rec } = ctx;
    const payload = `w${worker}-i${iteration}`;
    const lockOptions = { ...ctx.lockOptions, observer: rec.lockObserver() };
    await rec.op(
      'write',
      { payload },
      () => sut.write!(join(root, TARGET), encoder.encode(makePayload(payload)), { lockOptions }),
      () => ({ payload }),
    );
    await rec.op('read', {}, async () => readTarget(root));
  },
  inspect(root, iteration) {
    const final = readTarget(root);
    const fileProblems = final.valid ? [] : [`${TARGET} is not one whole payload`];
    return { iteration, root, entries: listEntries(root), fileProblems, facts: { finalValid: final.valid, finalPayload: final.payload } };
  },
  recover: (root, staleMs) => recoverFiles([join(root, TARGET)], [], staleMs),
  checks: [{ checker: 'reads-valid' }, { checker: 'files-valid' }, { checker: 'no-orphans' }],
};
