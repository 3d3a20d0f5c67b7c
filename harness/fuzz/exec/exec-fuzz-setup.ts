import { RacetrackError } from '../../../core/errors.ts';
import { fillArgv, parseArgvTemplate } from '../../../scenarios/suts/exec/argv-template.ts';
import { checkCommandTemplate, checkExecSetup } from '../../../scenarios/suts/exec/exec-sut.ts';
import { runCommand } from '../../../scenarios/suts/exec/run-command.ts';
import type { Primitive } from '../../../scenarios/workloads/scenario.ts';
import { join } from 'node:path';
import { FUZZ_STALE_MS } from '../lock-budget.ts';
import { TOPICS_DIR } from '../targets/allocate.ts';
import { COUNTERS_FILE } from '../targets/reserve.ts';
import { REGISTRY_FILE } from '../targets/stalled-claim.ts';
import { JSON_FILE } from '../targets/update-json.ts';
import { WRITE_FILE } from '../targets/write.ts';

/** The user's own implementation as `fuzz --exec` runs it, with their setup and recovery. */
export interface ExecFuzzSetup {
  /** `--exec`: one operation, the placeholders of `racetrack run`'s scenario for the primitive. */
  readonly command: string;
  /** `--setup`: lays out the user's initial state in each case root, after racetrack's. */
  readonly setup?: string;
  /** `--recover`: the user's recovery, run after every crash, before the checks. */
  readonly recover?: string;
  /**
   * The directory the commands run in: racetrack's working directory, as for `racetrack run
   * --exec`. `racetrack fuzz` records it, and `fuzz --replay` runs the case there (in the current
   * directory when a case file has none).
   */
  readonly cwd?: string;
  /** `--keep`: names the implementation leaves on purpose (its flock file), not orphans. */
  readonly keep: readonly string[];
  /** How long one command may run before it counts as hung, ms. */
  readonly timeoutMs: number;
}

/** How a fuzz primitive's files are named to a user's commands. */
interface ExecFuzzPrimitive {
  /** The `run` scenario primitive whose `--exec` placeholders the command takes. */
  readonly primitive: Primitive;
  /** The placeholder naming the primitive's file for `--setup` and `--recover`, if it has one. */
  readonly file: 'file' | 'counters' | 'registry' | null;
  /** Where in a case root the commands work: `{root}` and that file. */
  places(caseRoot: string): { readonly root: string; readonly file: string | null };
}

/** The fuzz primitives a user's command can stand in for. */
export const EXEC_FUZZ_PRIMITIVES: Readonly<Record<string, ExecFuzzPrimitive>> = {
  write: { primitive: 'write', file: 'file', places: (root) => ({ root, file: join(root, WRITE_FILE) }) },
  reserve: { primitive: 'reserve', file: 'counters', places: (root) => ({ root, file: join(root, COUNTERS_FILE) }) },
  'update-json': { primitive: 'update', file: 'file', places: (root) => ({ root, file: join(root, JSON_FILE) }) },
  claim: { primitive: 'claim', file: 'registry', places: (root) => ({ root, file: join(root, REGISTRY_FILE) }) },
  // The allocator works in the topics directory, which is its {root}.
  allocate: { primitive: 'allocate', file: null, places: (root) => ({ root: join(root, TOPICS_DIR), file: null }) },
};

/** The placeholders `--setup` and `--recover` take in `fuzz <primitive> --exec`. */
export function stateFills(primitive: string): string[] {
  const file = EXEC_FUZZ_PRIMITIVES[primitive]?.file ?? null;
  return ['root', ...(file === null ? [] : [file]), 'staleMs'];
}

/** Checks every template of a `fuzz --exec` request before anything runs: EINVALID or ENOTFOUND naming the option. */
export function checkExecFuzzSetup(primitive: string, s: ExecFuzzSetup): void {
  const known = EXEC_FUZZ_PRIMITIVES[primitive];
  if (known === undefined) {
    throw new RacetrackError('EINVALID', `fuzz --exec drives ${Object.keys(EXEC_FUZZ_PRIMITIVES).join(', ')}; not ${primitive}`, { primitive, known: Object.keys(EXEC_FUZZ_PRIMITIVES) });
  }
  checkExecSetup(s.command, known.primitive);
  for (const flag of ['setup', 'recover'] as const) {
    const template = s[flag];
    if (template !== undefined) checkCommandTemplate(template, { flag: `--${flag}`, filler: `fuzz ${primitive}`, fills: stateFills(primitive), required: [] });
  }
}

/**
 * Runs the user's `--setup` or `--recover` in a case root, its placeholders naming the
 * primitive's places there. Resolves with its exit code (null: killed at the timeout) and what it
 * printed.
 */
export async function runStateCommand(template: string, flag: '--setup' | '--recover', primitive: string, caseRoot: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const known = EXEC_FUZZ_PRIMITIVES[primitive]!;
  const { root, file } = known.places(caseRoot);
  const values: Record<string, string> = { root, staleMs: String(FUZZ_STALE_MS), ...(known.file === null || file === null ? {} : { [known.file]: file }) };
  try {
    const out = await runCommand(fillArgv(parseArgvTemplate(template, flag), values), { timeoutMs });
    return { code: out.code, output: (out.stdout + out.stderr).trim().slice(0, 300) };
  } catch (err) {
    return { code: null, output: (err as Error).message };
  }
}
