// The `claim` crash target: racetrack's own claimer passes every crash point and power-loss state,
// and a claimer that rewrites the registry in place (no temp, no lock) is caught with a torn or
// empty registry.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyClaim, selectClaim } from '../../../core/registry/claim-rules.ts';
import { readEntries } from '../../../core/registry/entries.ts';
import { parseRegistry, renderRegistry } from '../../../core/registry/table.ts';
import { runFuzz } from '../../../harness/fuzz/run-fuzz.ts';
import { runOps } from '../../../harness/fuzz/run-ops.ts';
import type { FuzzTarget } from '../../../harness/fuzz/fuzz-target.ts';
import { claimTarget } from '../../../harness/fuzz/targets/claim.ts';
import { REGISTRY_FILE, type ClaimOp } from '../../../harness/fuzz/targets/stalled-claim.ts';

test('the core claimer passes every crash point of the claim target', async () => {
  const r = await runFuzz({ primitive: 'claim', sut: 'core', runs: 15, seed: 11, powerLoss: false });
  assert.equal(r.verdict, 'pass', JSON.stringify(r.failure?.violations));
  assert.ok(r.crashStates > 15);
});

test('the core claimer passes every power-loss state of the claim target', async () => {
  const r = await runFuzz({ primitive: 'claim', sut: 'core', runs: 5, seed: 11, powerLoss: true });
  assert.equal(r.verdict, 'pass', JSON.stringify(r.failure?.violations));
  assert.ok(r.crashStates > 5);
});

/** The claim target driving a claimer that truncates the registry and writes the new text over it, in two halves. */
const inPlace: FuzzTarget<ClaimOp> = {
  ...claimTarget,
  run(ops, env, events) {
    const file = join(env.root, REGISTRY_FILE);
    const { fs } = env.deps;
    return runOps(ops, env, events, async (_op, i) => {
      const table = parseRegistry(new TextDecoder().decode(fs.readFile(file)));
      const pick = selectClaim(readEntries(table), 'implement', { owner: `claimer-${i + 1}`, now: env.clock.now(), leaseMs: 60_000 });
      if (pick === null) return null;
      const bytes = new TextEncoder().encode(renderRegistry(applyClaim(table, pick, `claimer-${i + 1}`, new Date(env.clock.now()).toISOString())));
      const fd = fs.openTruncate(file);
      fs.write(fd, bytes.subarray(0, bytes.length >> 1));
      fs.write(fd, bytes.subarray(bytes.length >> 1));
      fs.close(fd);
      return { batch: pick.batch, sites: pick.rows.map((r) => r.domain) };
    });
  },
};

test('a claimer that rewrites the registry in place leaves it unparsable at a crash point', async () => {
  const r = await runFuzz({ primitive: 'claim', sut: 'core', runs: 20, seed: 11, powerLoss: false, target: inPlace as FuzzTarget<never> });
  assert.equal(r.verdict, 'fail');
  assert.ok(
    r.failure!.violations.some((v) => v.invariant === 'registry-parses'),
    JSON.stringify(r.failure!.violations),
  );
});
