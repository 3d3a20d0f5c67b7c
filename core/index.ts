// The public surface of racetrack's core. Named exports only.
export { RacetrackError, isRacetrackError, type ErrorCode } from './errors.ts';
export { createRealFs, type FsFacade, type FileStat } from './fs-facade.ts';
export { defaultDeps, systemClock, systemRandom, type Clock, type Deps, type Random } from './deps.ts';
export { currentIdentity, detectRuntime, isProcessAlive, type Identity, type RuntimeInfo } from './runtime.ts';
export { acquireLock, withLock, type LockHandle, type LockObserver, type LockOptions } from './lock.ts';
export { type LockRecord } from './lock-record.ts';
