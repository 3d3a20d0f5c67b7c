/** `--format json|simple` of the verbs a shell script reads a plain answer from. */
export const FORMAT = {
  flags: '--format <format>',
  description: 'print JSON, or the plain text a shell script reads (see below)',
  choices: ['json', 'simple'],
  default: 'json',
} as const;

/** `--prefixes`, for the verbs that judge task IDs: a project's own list. */
export const PREFIXES = {
  flags: '--prefixes <list>',
  description: 'the task ID prefixes this project uses, comma-separated, e.g. SEC,PERF,ACME',
  defaultText: "the ID-reservation spec's",
} as const;

/** `--isolation thread|process` of the verbs that start workers. */
export const ISOLATION = {
  flags: '--isolation <kind>',
  description: 'workers as threads (Piscina) or child processes of the same runtime',
  choices: ['thread', 'process'],
  default: 'thread',
} as const;
