import { SCENARIOS } from '../../../scenarios/workloads/index.ts';
import { SUTS } from '../../../scenarios/suts/index.ts';
import { success, type CommandResult } from '../command-result.ts';

/** `racetrack list`: the scenarios one line each (and, with --suts, the systems under test). */
export function runList(options: { suts?: boolean; format?: string }): CommandResult {
  const scenarioLines = SCENARIOS.map((s) => `${s.name.padEnd(14)}${s.description}`);
  const sutLines = SUTS.map((s) => `${s.name.padEnd(28)}${s.status === 'pending' ? '[pending] ' : ''}${s.bug ?? s.description}${s.scenario === undefined ? '' : ` (scenario ${s.scenario})`}`);
  if (options.format === 'json') {
    return success({
      scenarios: SCENARIOS.map((s) => ({ name: s.name, primitive: s.primitive, description: s.description })),
      suts: SUTS.map((s) => ({ name: s.name, description: s.description, scenario: s.scenario ?? null, bug: s.bug ?? null, status: s.status })),
    });
  }
  return success([...scenarioLines, ...(options.suts === true ? ['', 'systems under test (--sut):', ...sutLines] : [])].join('\n'));
}
