import type { Sut } from '../sut.ts';
import { coreBefore, coreNoTurns } from './core-locks.ts';
import { flockFromBash } from './flock.ts';
import { kernelFlock } from './kernel-flock.ts';
import { properLockfile } from './proper-lockfile.ts';
import { specSpinLock } from './spec-spin-lock.ts';

/**
 * The peers: locks measured beside the core, in the order the bench shows them. Each is what it
 * says it is, configured as its description says; to add a row to the bench (e.g. the previous
 * version of the core lock), add it here.
 */
export const PEERS: readonly Sut[] = [coreNoTurns, coreBefore, properLockfile, specSpinLock, flockFromBash, kernelFlock];
