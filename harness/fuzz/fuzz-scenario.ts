import { RacetrackError } from '../../core/errors.ts';
import { runFuzz, type FuzzReport } from './run-fuzz.ts';

/**
 * Reads a control's scenario string of the form `fuzz <primitive> [--power-loss]` (as in
 * scenarios/suts/controls/index.ts); null for a scenario that is not a fuzz scenario.
 */
export function parseFuzzScenario(scenario: string): { primitive: string; powerLoss: boolean } | null {
  const words = scenario.trim().split(/\s+/);
  if (words[0] !== 'fuzz' || words.length < 2) return null;
  const flags = words.slice(2);
  if (flags.some((f) => f !== '--power-loss')) throw new RacetrackError('EINVALID', `unknown flag in fuzz scenario "${scenario}"`, { scenario });
  return { primitive: words[1]!, powerLoss: flags.includes('--power-loss') };
}

/**
 * Runs a fuzz scenario string against `sut`, for a caller that drives controls by scenario name
 * (selftest): verdict `fail` means the control was caught.
 */
export async function runFuzzScenario(scenario: string, sut: string, options: { runs?: number; seed: number }): Promise<FuzzReport> {
  const parsed = parseFuzzScenario(scenario);
  if (parsed === null) throw new RacetrackError('EINVALID', `"${scenario}" is not a fuzz scenario`, { scenario });
  return runFuzz({ ...parsed, sut, runs: options.runs ?? 100, seed: options.seed });
}
