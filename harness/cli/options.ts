import { DEFAULT_PREFIXES } from '../../core/ids/task-id.ts';
import { CONFIG_FILE } from './prefixes.ts';

/** `--quiet`, which every verb takes: nothing on stderr, the result on stdout as always. */
export const QUIET = {
  flags: '--quiet',
  kind: 'flag',
  description: 'print nothing on stderr (no progress, no notes); the result on stdout stays',
} as const;

/** `--format json|simple` of the verbs a shell script reads a plain answer from. */
export const FORMAT = {
  flags: '--format <format>',
  description: 'print JSON, or the plain text a shell script reads',
  choices: ['json', 'simple'],
  default: 'json',
} as const;

/** `--prefixes`, for the verbs that judge task IDs: a project's own list, from the option, the environment or its config file. */
export const PREFIXES = {
  flags: '--prefixes <list>',
  description: 'the task ID prefixes this project uses, comma-separated, e.g. SEC,PERF,ACME',
  env: 'RACETRACK_PREFIXES',
  defaultText: `"prefixes" of the nearest ${CONFIG_FILE}, else the ID-reservation spec's`,
} as const;

/** `--isolation thread|process` of the verbs that start workers. */
export const ISOLATION = {
  flags: '--isolation <kind>',
  description: 'workers as threads (Piscina) or child processes of the same runtime',
  choices: ['thread', 'process'],
  default: 'thread',
} as const;

/** How the verbs that judge task IDs find their prefix list: shown in their help. */
export const PREFIXES_HELP = [
  'Prefixes: --prefixes, else RACETRACK_PREFIXES, else "prefixes" in the nearest .racetrack.json at or',
  'above the counters file\'s directory ({"prefixes": ["SEC", "ACME"]}), else the list of the',
  `ID-reservation spec (${DEFAULT_PREFIXES.join(', ')}). The first one found is the whole list.`,
].join('\n');
