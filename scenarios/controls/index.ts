import type { SutEntry } from '../sut.ts';

/** The known-broken controls, each a system under test that really contains its bug. */
export const CONTROLS: readonly SutEntry[] = [];
