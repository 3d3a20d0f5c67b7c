import { allocateTopic } from '../../../core/topics/allocator.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { success, type CommandResult } from '../command-result.ts';
import { parseChoice, requireOption } from './raw-options.ts';

/** Raw options of `racetrack allocate`, as the argument parser left them. */
export interface AllocateArgs {
  readonly root?: string;
  readonly name?: string;
  /** `json` (default) or `simple`. */
  readonly format?: string;
}

/** The JSON output of `racetrack allocate`, named as in seed 003's location-detection JSON. */
export interface AllocateOutput {
  readonly topic_number: string;
  readonly topic_path: string;
}

/**
 * `racetrack allocate --root DIR --name NAME [--format json|simple]`: allocates the next topic
 * directory. Output `{"topic_number":"007","topic_path":"/abs/007_name"}`, or with `simple` the
 * string `007|/abs/007_name` (seed 003's pipe-delimited form). Throws RacetrackError on bad input
 * (EINVALID) or failure; nothing on disk changes then.
 */
export async function runAllocate(args: AllocateArgs, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const root = requireOption('--root', args.root);
  const name = requireOption('--name', args.name);
  const format = parseChoice('--format', args.format, ['json', 'simple'] as const, 'json');
  const { number, path } = await allocateTopic(root, name, {}, deps);
  if (format === 'simple') return success(`${number}|${path}`);
  const output: AllocateOutput = { topic_number: number, topic_path: path };
  return success(output);
}
