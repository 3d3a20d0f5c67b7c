import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../../scenarios/workloads/scenario.ts';

/** The root of iteration `iteration` under the run's roots directory (`i0000`, `i0001`, …). */
export function iterationRoot(rootsDir: string, iteration: number): string {
  return join(rootsDir, `i${String(iteration).padStart(4, '0')}`);
}

/** Lays out an iteration's fresh root just before the iteration runs: racetrack creates it, and removes it once checked. */
export function prepareRoot(scenario: Pick<Scenario, 'setup'>, root: string, workers: number): void {
  mkdirSync(root);
  scenario.setup(root, workers);
}
