import type { HistoryEvent } from '../history/history.ts';
import { batchChecker, type Checker, type CheckerFactory, type CheckInput, type CheckResult } from './checker.ts';
import { guarded, plural, sample, settle } from './settle.ts';

/** The worker a nemesis `pause` or `resume` event names, or undefined. */
function pausedWorker(e: HistoryEvent): number | undefined {
  const w = (e.value as { worker?: unknown } | null)?.worker;
  return typeof w === 'number' ? w : undefined;
}

/** An operation that ended `info` because its lock was found broken after it may have published. */
function learntAtRelease(e: HistoryEvent): boolean {
  return e.type === 'info' && (e.value as { error?: unknown } | null)?.error === 'ECOMPROMISED';
}

/**
 * A holder woken after its lock was taken must not publish (`--pause`). For each nemesis pause of
 * a holder: if another worker of the iteration acquired a lock while it was stopped (so its own was
 * broken), none of the paused worker's operations after its resume may complete `ok` (the lock's
 * own acquire and release aside), nor end `info` with ECOMPROMISED: the core's holders check their
 * lock right before they publish, and that check's ECOMPROMISED stops them short of the write (the
 * recorder makes it a `fail`). One found compromised only later, at release, had already
 * published: a holder that never checks is named here either way, whether or not its late write
 * happened to leave the files consistent. A pause without its resume, or a woken holder's operation
 * whose outcome is unknown for another reason (a kill), cannot be judged, nor can a pause placed in a
 * command (`--exec`) that held no holder (`pause-placed` with `effective: false`). A pause nobody
 * overtook, while another worker waited for the lock from before the resume to after it, shows the
 * lock outlasting the pause (a kernel lock does): that is judged, and passes. A run asked to pause that
 * paused nobody (a system under test that reports no lock acquisitions), or whose paused holders
 * nobody overtook, proves nothing: all unknown.
 */
export function pausedHolderSilent(): Checker {
  return guarded(PAUSE.checker, batchChecker(holderSilent(PAUSE)));
}

/** paused-holder-silent, fed iteration by iteration (a pause and all it is judged by lie in one iteration). */
export function pausedHolderSilentIncremental(): CheckerFactory {
  return holderSilent(PAUSE);
}

/**
 * The same judgement for `--partition`: a holder cut off from the store's server (nemesis
 * `partition`) and going on after the heal (`heal`) must not publish once another worker took the
 * lock during the cut. A lease lock's holder finds its lease run out (assertHeld) and stops; a lock
 * that lives as long as its connection (an advisory lock) gives its holder no such check.
 */
export function partitionedHolderSilent(): Checker {
  return guarded(PARTITION.checker, batchChecker(holderSilent(PARTITION)));
}

/** partitioned-holder-silent, fed iteration by iteration. */
export function partitionedHolderSilentIncremental(): CheckerFactory {
  return holderSilent(PARTITION);
}

/** A nemesis that stops a holder and lets it go on, as the history names it. */
interface Interruption {
  readonly checker: 'paused-holder-silent' | 'partitioned-holder-silent';
  readonly stop: string;
  readonly go: string;
  /** The holder, in the messages: `paused`, `cut-off`. */
  readonly what: string;
  /** How it goes on, in the messages: `woken`, `healed`. */
  readonly woken: string;
}

const PAUSE: Interruption = { checker: 'paused-holder-silent', stop: 'pause', go: 'resume', what: 'paused', woken: 'woken' };
const PARTITION: Interruption = { checker: 'partitioned-holder-silent', stop: 'partition', go: 'heal', what: 'cut-off', woken: 'reconnected' };

function holderSilent(n: Interruption): CheckerFactory {
  return () => {
    const examples: unknown[] = [];
    let pauses = 0;
    let takenOver = 0;
    let heldOff = 0;
    let violations = 0;
    let unjudged = 0;
    const feed = ({ history }: CheckInput): boolean => {
      const before = violations + unjudged;
      for (const pause of history) {
        if (pause.worker !== -1 || pause.f !== n.stop) continue;
        const w = pausedWorker(pause);
        const sameIteration = (e: HistoryEvent) => e.iteration === pause.iteration && e.time > pause.time;
        const resume = history.find((e) => sameIteration(e) && e.worker === -1 && e.f === n.go && pausedWorker(e) === w);
        // A pause placed in a command (--exec) after its lock was released, or never stopped it, held no holder.
        const missed = history.some((e) => e.iteration === pause.iteration && e.worker === w && e.f === 'pause-placed' && (e.value as { effective?: unknown } | null)?.effective === false);
        if (w === undefined || resume === undefined || missed) {
          unjudged++;
          continue;
        }
        pauses++;
        const takers = history.filter((e) => sameIteration(e) && e.time < resume.time && e.worker >= 0 && e.worker !== w && e.f === 'acquire' && e.type === 'ok');
        if (takers.length === 0) {
          // Nobody took the lock meanwhile: the woken holder may go on. Others that asked for it before
          // the resume and got it only after were held off by it (a kernel lock outlasts any pause).
          const others = history.filter((e) => e.iteration === pause.iteration && e.worker >= 0 && e.worker !== w && e.f === 'acquire');
          const waitedThrough = others.some(
            (i) => i.type === 'invoke' && i.time < resume.time && (others.find((o) => o.worker === i.worker && o.type === 'ok' && o.time >= i.time)?.time ?? 0) > resume.time,
          );
          if (waitedThrough) heldOff++;
          continue;
        }
        takenOver++;
        for (const e of history) {
          if (e.iteration !== pause.iteration || e.worker !== w || e.time <= resume.time || e.f === 'acquire' || e.f === 'release') continue;
          if (e.type !== 'ok' && !learntAtRelease(e)) {
            if (e.type === 'info') unjudged++; // killed, say: nobody knows whether it published
            continue;
          }
          violations++;
          sample(examples, { iteration: e.iteration, worker: w, f: e.f, value: e.value, lockTakenBy: takers[0]!.worker });
        }
      }
      return violations + unjudged > before;
    };
    const finish = (): CheckResult => {
      const verdict = settle(violations, unjudged, takenOver + heldOff);
      const message =
        verdict === 'fail'
          ? `${plural(violations, 'operation')} published (or, found compromised only at release, possibly published) by a holder ${n.woken} after its lock was taken`
          : pauses === 0 && unjudged === 0
            ? `no lock holder was ${n.what === 'paused' ? 'paused' : 'cut off'}, so nothing was judged (the system under test records no lock acquisitions, or no iteration drew a ${n.stop})`
            : takenOver + heldOff === 0 && unjudged === 0
              ? `nothing to judge: ${plural(pauses, 'holder')} ${n.what}, but nobody took the lock meanwhile, nor waited for it`
              : `${plural(takenOver, `${n.what} holder`)} ${n.woken} after another worker took the lock, none published; ${plural(heldOff, `${n.what} holder`)} kept the lock from waiting workers until ${n.woken}${unjudged > 0 ? ` (${plural(unjudged, `${n.stop} or outcome`)} could not be judged)` : ''}`;
      return { checker: n.checker, verdict, message, examples, stats: { pauses, takenOver, heldOff, violations, unjudged } };
    };
    return { feed, finish };
  };
}
