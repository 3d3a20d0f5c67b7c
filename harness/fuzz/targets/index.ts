import type { FuzzTarget } from '../fuzz-target.ts';
import { allocateTarget } from './allocate.ts';
import { lockTarget } from './lock.ts';
import { reserveTarget } from './reserve.ts';
import { updateJsonTarget } from './update-json.ts';
import { writeTarget } from './write.ts';

/** The primitives `racetrack fuzz` crashes, by name (`stale-lock`, the breaker race, is apart: see race.ts). */
export const FUZZ_TARGETS: readonly FuzzTarget<never>[] = [writeTarget, reserveTarget, lockTarget, updateJsonTarget, allocateTarget] as unknown as FuzzTarget<never>[];

export { allocateTarget, lockTarget, reserveTarget, updateJsonTarget, writeTarget };
