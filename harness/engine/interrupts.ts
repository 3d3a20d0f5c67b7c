import process from 'node:process';

/** The signals that ask a run to stop: Ctrl-C, a polite kill, a closed terminal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/** A run's hold on the stop signals: see {@link trapInterrupts}. */
export interface Interrupts {
  /** Aborted when a stop signal arrives. */
  readonly signal: AbortSignal;
  /** The stop signal that arrived, or null. */
  received(): StopSignal | null;
  /** Gives the signals back to their default action. */
  release(): void;
  /** Releases them and ends this process by the signal that arrived, as it would have without the trap. */
  die(): void;
}

/**
 * While a run is under way, SIGINT, SIGTERM and SIGHUP abort `signal` instead of ending the
 * process at once, so the run can stop its workers and remove what it created before it goes. A
 * second signal ends the process at once, as if nothing were trapped (a cleanup that hangs is
 * not the user's problem).
 */
export function trapInterrupts(): Interrupts {
  const controller = new AbortController();
  let got: StopSignal | null = null;
  const handlers = STOP_SIGNALS.map((sig) => {
    const handler = () => {
      if (got !== null) return die(sig);
      got = sig;
      controller.abort(new Error(`interrupted by ${sig}`));
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  const release = () => {
    for (const [sig, handler] of handlers) process.removeListener(sig, handler);
  };
  const die = (sig: StopSignal) => {
    release();
    process.kill(process.pid, sig);
  };
  return {
    signal: controller.signal,
    received: () => got,
    release,
    die: () => die(got ?? 'SIGINT'),
  };
}
