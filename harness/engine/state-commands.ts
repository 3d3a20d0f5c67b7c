import { RacetrackError } from '../../core/errors.ts';
import type { Scenario } from '../../scenarios/workloads/scenario.ts';
import { checkCommandTemplate } from '../../scenarios/suts/exec/exec-sut.ts';
import { fillArgv, parseArgvTemplate } from '../../scenarios/suts/exec/argv-template.ts';
import { runCommand, type CommandOutput } from '../../scenarios/suts/exec/run-command.ts';

/** How long a `--setup` or `--recover` command may take in one iteration. */
const STATE_COMMAND_TIMEOUT_MS = 120_000;

/** The user's own commands around an `--exec` implementation: `--setup` lays out a root, `--recover` recovers one after a fault. */
export interface StateCommandTemplates {
  readonly setup?: string;
  readonly recover?: string;
}

/** The placeholders `--setup` and `--recover` may use in `scenario`: its files, `{root}` and `{staleMs}`. */
export function statePlaceholders(scenario: Scenario): string[] {
  return ['root', ...Object.keys(scenario.places('/')), 'staleMs'];
}

/** What a `--recover` command did after one faulted iteration. */
export interface RecoverOutcome {
  /** null: it timed out or died by a signal. */
  readonly exitCode: number | null;
  readonly stderr: string;
}

/** The state commands of a run, checked once before anything is created, then run per iteration root. */
export interface StateCommands {
  /** Runs `--setup` in a root the scenario has laid out; a failure is an error (the run cannot start). */
  setup(root: string, iteration: number): Promise<void>;
  /** Runs `--recover` in a faulted iteration's root; null when there is none. */
  recover(root: string): Promise<RecoverOutcome | null>;
}

/**
 * Checks `--setup` and `--recover` (their placeholders are the scenario's files, `{root}` and
 * `{staleMs}`; none is required) and returns what runs them. They need `--exec`: racetrack's own
 * implementations lay out and recover their own files.
 */
export function stateCommands(scenario: Scenario, templates: StateCommandTemplates, exec: string | undefined, staleMs: number): StateCommands {
  const fills = statePlaceholders(scenario);
  const parsed: Record<'setup' | 'recover', string[] | undefined> = { setup: undefined, recover: undefined };
  for (const which of ['setup', 'recover'] as const) {
    const template = templates[which];
    if (template === undefined) continue;
    const flag = `--${which}`;
    if (exec === undefined)
      throw new RacetrackError('EINVALID', `${flag} goes with --exec: it is your own implementation's ${which === 'setup' ? 'initial state' : 'recovery'}`, { [which]: template });
    checkCommandTemplate(template, { flag, filler: `the ${scenario.name} scenario's ${flag}`, fills, required: [] });
    parsed[which] = parseArgvTemplate(template, flag);
  }
  const run = (words: readonly string[], root: string): Promise<CommandOutput> =>
    runCommand(fillArgv(words, { ...scenario.places(root), root, staleMs: String(staleMs) }), { timeoutMs: STATE_COMMAND_TIMEOUT_MS });
  return {
    async setup(root, iteration) {
      if (parsed.setup === undefined) return;
      const out = await run(parsed.setup, root);
      if (out.code !== 0) {
        throw new RacetrackError('EEXEC', `--setup exited ${out.code} in iteration ${iteration}: ${(out.stdout + out.stderr).trim().slice(0, 300)}`, {
          setup: templates.setup,
          iteration,
          exitCode: out.code,
          stage: 'setup',
        });
      }
    },
    async recover(root) {
      if (parsed.recover === undefined) return null;
      try {
        const out = await run(parsed.recover, root);
        return { exitCode: out.code, stderr: out.stderr.trim().slice(0, 300) };
      } catch (err) {
        return { exitCode: null, stderr: (err as Error).message };
      }
    },
  };
}
