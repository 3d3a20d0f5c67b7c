import type { HistoryEvent } from '../history/history.ts';
import type { LandedFault, SyscallFaultOptions } from './faults.ts';

/** The syscall faults of a run, in result.json under `faults.syscall`. */
export interface SyscallFaultTally {
  readonly jitterUs: number;
  readonly errors: readonly string[];
  readonly errorRate: number;
  /** Per kind: rules planned, those that landed (hit at least one call), the calls hit, and those that did not land (the command never made that call). */
  readonly jitter: { readonly planned: number; readonly landed: number; readonly calls: number; readonly notLanded: number };
  readonly error: { readonly planned: number; readonly landed: number; readonly calls: number; readonly notLanded: number };
  /** Where injected errors landed: the first few, each with its syscall, process and arguments. */
  readonly errorsLanded: readonly (LandedFault & { readonly worker: number; readonly iteration: number })[];
}

/** The history event a worker records for each planned syscall fault. */
export const SYSCALL_FAULT_EVENT = 'syscall-fault';

/** Counts the syscall faults a run's workers recorded, or undefined when it asked for none. */
export function syscallFaultTally(history: readonly Pick<HistoryEvent, 'f' | 'value' | 'worker' | 'iteration'>[], o: SyscallFaultOptions | undefined, active: boolean): SyscallFaultTally | undefined {
  if (!active || o === undefined) return undefined;
  const faults = history.filter((e) => e.f === SYSCALL_FAULT_EVENT).map((e) => ({ ...(e.value as LandedFault), worker: e.worker, iteration: e.iteration }));
  const count = (kind: LandedFault['kind']) => {
    const of = faults.filter((f) => f.kind === kind);
    const landed = of.filter((f) => f.landed > 0).length;
    return { planned: of.length, landed, calls: of.reduce((n, f) => n + f.landed, 0), notLanded: of.length - landed };
  };
  return {
    jitterUs: o.jitterUs ?? 0,
    errors: [...(o.errors ?? [])],
    errorRate: o.errorRate ?? 0,
    jitter: count('jitter'),
    error: count('error'),
    errorsLanded: faults.filter((f) => f.kind === 'error' && f.landed > 0).slice(0, 10),
  };
}
