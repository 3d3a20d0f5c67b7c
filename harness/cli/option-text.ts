import type { Argument, Option } from 'commander';

/**
 * An option's default as a person reads it: the words given for a default decided at run time
 * (`random`), else the value itself (`100`, not `"100"`); undefined when it has none worth showing
 * (a flag is off unless given, a list starts empty).
 */
export function defaultText(o: Option | Argument): string | undefined {
  if (o.defaultValueDescription !== undefined) return o.defaultValueDescription;
  const value: unknown = o.defaultValue;
  if (typeof value === 'string') return value;
  return undefined;
}

/** What `--help` says after an option's description: its choices, its default, its environment variable, whether it is required. */
export function optionNotes(o: Option): string[] {
  const notes: string[] = [];
  if (o.mandatory) notes.push('required');
  if (o.argChoices !== undefined) notes.push(`one of ${o.argChoices.join(', ')}`);
  const fallback = defaultText(o);
  if (fallback !== undefined) notes.push(`default ${fallback}`);
  if (o.envVar !== undefined) notes.push(`env ${o.envVar}`);
  return notes;
}

/** An option's line in `--help`: `the counters JSON file (required)`, `output format (one of json, simple; default json)`. */
export function describeOption(o: Option): string {
  const notes = optionNotes(o);
  return notes.length === 0 ? o.description : `${o.description} (${notes.join('; ')})`;
}

/** An argument's line in `--help`: `how many IDs (default 1)`. */
export function describeArgument(a: Argument): string {
  const notes: string[] = [];
  if (a.argChoices !== undefined) notes.push(`one of ${a.argChoices.join(', ')}`);
  const fallback = defaultText(a);
  if (fallback !== undefined) notes.push(`default ${fallback}`);
  return notes.length === 0 ? a.description : `${a.description} (${notes.join('; ')})`;
}
