import { hostname } from 'node:os';
import { encodeLockRecord, type LockRecord } from '../../core/lock/record.ts';
import { currentIdentity, pidSpaceTag } from '../../core/runtime.ts';

/** A pid above Linux's highest possible pid_max (2^22): no process can ever have it. */
export const DEAD_PID = 4_194_305;

/** The owner record of a lock whose holder, in this PID space, is certainly dead. */
export function deadHolderLockRecord(token = 'dead-holder', acquiredAt = Date.now()): LockRecord {
  return { pid: DEAD_PID, threadId: 0, host: hostname(), token, startTime: null, space: pidSpaceTag(currentIdentity().pidSpace), acquiredAt };
}

/** {@link deadHolderLockRecord} as the text of a lock file. */
export function deadHolderRecord(token = 'dead-holder'): string {
  return new TextDecoder().decode(encodeLockRecord(deadHolderLockRecord(token)));
}
