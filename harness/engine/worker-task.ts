import type { RawEvent } from '../history/history.ts';
import { seededRandom } from '../stats/prng.ts';
import { Recorder } from '../history/recorder.ts';
import { scenarioByName } from '../../scenarios/workloads/index.ts';
import type { Sut } from '../../scenarios/suts/sut.ts';
import { resolveSut } from '../../scenarios/suts/index.ts';

/** What a worker (thread or process) is told once: the scenario, the SUT and its place. */
export interface WorkerSetup {
  readonly scenario: string;
  readonly sut: string;
  readonly exec?: string;
  readonly worker: number;
  readonly workers: number;
  readonly seed: number;
  /** Lock staleness for every lock the SUT takes (default 5000, as in the seed). */
  readonly staleMs?: number;
}

/** A worker's share of one iteration. */
export interface IterationTask {
  readonly iteration: number;
  readonly root: string;
}

/**
 * Runs one worker's part of one iteration and returns its events. `waitStart` is the start barrier:
 * called after everything is loaded, it returns when all workers may go. Shared by the thread and
 * the process runner, so both isolations record the same history.
 */
export async function performIteration(
  setup: WorkerSetup,
  task: IterationTask,
  waitStart: () => void | Promise<void>,
  sink?: (event: RawEvent) => void,
): Promise<RawEvent[]> {
  const scenario = scenarioByName(setup.scenario);
  const sut = sutFor(setup);
  const rec = new Recorder(setup.worker, task.iteration, sink);
  const random = seededRandom(setup.seed, setup.worker, task.iteration);
  await waitStart();
  const lockOptions = { timeoutMs: 60_000, staleMs: setup.staleMs ?? 5000 };
  await scenario.operate({ root: task.root, iteration: task.iteration, worker: setup.worker, workers: setup.workers, random, sut, rec, lockOptions });
  return rec.events;
}

const suts = new Map<string, Sut>();

function sutFor(setup: WorkerSetup): Sut {
  const key = `${setup.scenario}\0${setup.sut}\0${setup.exec ?? ''}`;
  let sut = suts.get(key);
  if (sut === undefined) {
    sut = resolveSut(scenarioByName(setup.scenario), setup.sut, setup.exec);
    suts.set(key, sut);
  }
  return sut;
}
