import { SCENARIOS } from '../../../scenarios/workloads/index.ts';
import { SUTS } from '../../../scenarios/suts/index.ts';
import { operationsOf } from '../../../scenarios/suts/sut.ts';
import { parseFuzzScenario } from '../../fuzz/fuzz-scenario.ts';
import { success, type CommandResult } from '../command-result.ts';
import { defineVerb, type VerbInput } from '../verb.ts';

const options = {
  suts: { flags: '--suts', kind: 'flag', description: 'also list the systems under test: the core, the peers and the known-broken controls' },
  format: { flags: '--format <format>', description: 'print lines for people, or JSON', choices: ['text', 'json'], default: 'text' },
} as const;

/** What `racetrack list` takes. */
export type ListInput = VerbInput<typeof options, []>;

/** The scenarios, one line each: what `racetrack list` prints and `racetrack run --help` shows. */
export function scenarioLines(indent = ''): string[] {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length)) + 2;
  return SCENARIOS.map((s) => `${indent}${s.name.padEnd(width)}${s.description}`);
}

/** The command that catches a control: `racetrack run allocate --sut X`, `racetrack fuzz write --sut X`. */
const caughtBy = (name: string, scenario: string, partition = false) =>
  `racetrack ${parseFuzzScenario(scenario) === null ? 'run ' : ''}${scenario} --sut ${name}${partition ? ' --isolation process --partition --stale-ms 5000' : ''}`;

/** The scenarios one line each (and, with `suts`, the systems under test). */
export function runList(input: ListInput): CommandResult {
  if (input.format === 'json') {
    return success({
      scenarios: SCENARIOS.map((s) => ({ name: s.name, primitive: s.primitive, description: s.description })),
      suts: SUTS.map((s) => ({ name: s.name, kind: s.kind, description: s.description, operations: operationsOf(s), bug: s.control?.bug ?? null, caughtBy: s.control?.caughtBy ?? null })),
    });
  }
  const width = Math.max(...SUTS.map((s) => s.name.length)) + 2;
  const sutLines = SUTS.flatMap((s) => [
    `${s.name.padEnd(width)}${s.kind === 'core' ? '' : `[${s.kind}] `}${s.description}${operationsOf(s).length === 0 ? ' (bench only: --impls)' : ''}`,
    ...(s.control === undefined ? [] : [`${' '.repeat(width)}the bug: ${s.control.bug}`, `${' '.repeat(width)}caught by: ${caughtBy(s.name, s.control.caughtBy, s.control.partition === true)}`]),
  ]);
  return success([...scenarioLines(), ...(input.suts ? ['', 'systems under test (--sut):', ...sutLines] : [])].join('\n'));
}

/** `racetrack list`. */
export const listVerb = defineVerb({
  name: 'list',
  summary: 'list the scenarios racetrack runs, one line each, and with --suts the systems under test',
  arguments: [],
  options,
  examples: [{ command: 'racetrack list', output: scenarioLines().join('\n') }],
  exitCodes: [
    { code: '0', meaning: 'listed' },
    { code: '2', meaning: 'bad options' },
  ],
  run: (input) => runList(input),
});
