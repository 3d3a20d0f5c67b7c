import { allocateTopic } from '../../../core/topics/allocator.ts';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { success, type CommandResult } from '../command-result.ts';
import { FORMAT } from '../options.ts';
import { defineVerb, type VerbInput } from '../verb.ts';
import { requireOption } from './raw-options.ts';

const options = {
  root: { flags: '--root <dir>', description: 'the directory that holds the numbered topic directories', required: true },
  name: { flags: '--name <name>', description: 'the topic name: no /, \\, |, "..", control characters; not empty', required: true },
  format: FORMAT,
} as const;

/** What `racetrack allocate` takes. */
export type AllocateInput = VerbInput<typeof options, []>;

/** The JSON output of `racetrack allocate`, named as in the allocation spec's JSON. */
export interface AllocateOutput {
  readonly topic_number: string;
  readonly topic_path: string;
}

/**
 * Allocates the next topic directory. Output `{"topic_number":"007","topic_path":"/abs/007_name"}`,
 * or with `simple` the string `007|/abs/007_name` (the allocation spec's pipe-delimited form).
 * Throws RacetrackError on bad input (EINVALID) or failure; nothing on disk changes then.
 */
export async function runAllocate(input: AllocateInput, deps: Deps = defaultDeps()): Promise<CommandResult> {
  const root = requireOption('--root', input.root);
  const name = requireOption('--name', input.name);
  const { number, path } = await allocateTopic(root, name, {}, deps);
  if (input.format === 'simple') return success(`${number}|${path}`);
  const output: AllocateOutput = { topic_number: number, topic_path: path };
  return success(output);
}

/** `racetrack allocate`. */
export const allocateVerb = defineVerb({
  name: 'allocate',
  summary: 'take the next numbered topic directory NNN_NAME under ROOT, atomically',
  arguments: [],
  options,
  details: [
    'Under the lock ROOT/.topic_number.lock it scans the NNN_* entries, takes the highest number plus one',
    '(zero-padded to at least 3 digits, growing past 999), creates the directory (never mkdir -p: an',
    'existing one means a bug) and fsyncs ROOT. A bad name is refused, never rewritten.',
    'With --format simple it prints NNN|PATH.',
  ].join('\n'),
  examples: [
    { command: 'racetrack allocate --root specs --name auth_flow', output: '{"topic_number":"001","topic_path":"/abs/specs/001_auth_flow"}' },
    { command: 'racetrack allocate --root specs --name next --format simple', output: '002|/abs/specs/002_next' },
  ],
  exitCodes: [
    { code: '0', meaning: 'allocated' },
    { code: '2', meaning: 'a bad name, a missing or unwritable ROOT' },
  ],
  run: (input, ctx) => runAllocate(input, ctx.deps),
});
