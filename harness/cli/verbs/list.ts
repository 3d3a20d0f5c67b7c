import { SCENARIOS } from '../../../scenarios/workloads/index.ts';
import { SUTS } from '../../../scenarios/suts/index.ts';
import { operationsOf } from '../../../scenarios/suts/sut.ts';
import { parseFuzzScenario } from '../../fuzz/fuzz-scenario.ts';
import { success, type CommandResult } from '../command-result.ts';

const caughtBy = (scenario: string) => `racetrack ${parseFuzzScenario(scenario) === null ? 'run ' : ''}${scenario}`;

/** `racetrack list`: the scenarios one line each (and, with --suts, the systems under test). */
export function runList(options: { suts?: boolean; format?: string }): CommandResult {
  const scenarioLines = SCENARIOS.map((s) => `${s.name.padEnd(14)}${s.description}`);
  const sutLines = SUTS.flatMap((s) => [
    `${s.name.padEnd(28)}${s.kind === 'core' ? '' : `[${s.kind}] `}${s.description}${operationsOf(s).length === 0 ? ' (bench only: --impls)' : ''}`,
    ...(s.control === undefined ? [] : [`${''.padEnd(28)}bug: ${s.control.bug}; caught by ${caughtBy(s.control.caughtBy)}`]),
  ]);
  if (options.format === 'json') {
    return success({
      scenarios: SCENARIOS.map((s) => ({ name: s.name, primitive: s.primitive, description: s.description })),
      suts: SUTS.map((s) => ({ name: s.name, kind: s.kind, description: s.description, operations: operationsOf(s), bug: s.control?.bug ?? null, caughtBy: s.control?.caughtBy ?? null })),
    });
  }
  return success([...scenarioLines, ...(options.suts === true ? ['', 'systems under test (--sut):', ...sutLines] : [])].join('\n'));
}
