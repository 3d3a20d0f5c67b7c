import { hostname } from 'node:os';

/** A pid above Linux's highest possible pid_max (2^22): no process can ever have it. */
export const DEAD_PID = 4_194_305;

/** The owner record of a lock whose holder, on this host, is certainly dead. */
export function deadHolderRecord(token = 'dead-holder'): string {
  return `${JSON.stringify({ pid: DEAD_PID, threadId: 0, host: hostname(), token, startTime: null, acquiredAt: Date.now() })}\n`;
}
