import type { FuzzTarget } from '../fuzz-target.ts';
import { allocateTarget } from './allocate.ts';
import { claimTarget } from './claim.ts';
import { lockTarget } from './lock.ts';
import { reserveTarget } from './reserve.ts';
import { stalledClaimTarget } from './stalled-claim.ts';
import { stalledReserveTarget } from './stalled-reserve.ts';
import { stalledUpdateJsonTarget } from './stalled-update-json.ts';
import { updateJsonTarget } from './update-json.ts';
import { writeTarget } from './write.ts';

/** The primitives `racetrack fuzz` crashes, by name (`stale-lock`, the breaker race, is apart: see race.ts); `stalled-*` see stalled-holder.ts. */
export const FUZZ_TARGETS: readonly FuzzTarget<never>[] = [
  writeTarget,
  reserveTarget,
  lockTarget,
  updateJsonTarget,
  allocateTarget,
  claimTarget,
  stalledReserveTarget,
  stalledClaimTarget,
  stalledUpdateJsonTarget,
] as unknown as FuzzTarget<never>[];

export { allocateTarget, claimTarget, lockTarget, reserveTarget, stalledClaimTarget, stalledReserveTarget, stalledUpdateJsonTarget, updateJsonTarget, writeTarget };
