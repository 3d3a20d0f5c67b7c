import type { FaultTally } from '../harness/engine/run-result.ts';
import { formatPerSecond } from './number-format.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A run's real-process faults in words, numbers rounded for people (result.json keeps them exact):
 * `12 workers killed (3.5/s), 1 lock holder paused, in 8 iterations`; kills that found the worker's
 * operation over are `N kills too late` (they interrupted nothing).
 */
export function faultText(f: FaultTally): string {
  const late = f.killsAfterOperation > 0 ? `, ${plural(f.killsAfterOperation, 'kill', 'kills')} too late` : '';
  const s = f.syscall;
  const syscall =
    s === undefined
      ? ''
      : `; syscall faults: ${s.error.landed} of ${s.error.planned} injected errors landed (${s.error.notLanded} did not: the call never came), ${s.jitter.calls} calls delayed by up to ${s.jitterUs} µs`;
  const missed = f.pausesMissed > 0 ? ` (${plural(f.pausesMissed, 'pause', 'pauses')} not placed: no lock seen taken, or the stop came after its release)` : '';
  return `${plural(f.kills, 'worker', 'workers')} killed (${formatPerSecond(f.killsPerSecond)})${late}, ${plural(f.pauses, 'lock holder', 'lock holders')} paused${missed}, in ${plural(f.faultedIterations, 'iteration', 'iterations')}${syscall}`;
}
