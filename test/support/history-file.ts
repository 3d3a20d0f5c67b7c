import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '../../harness/history/history.ts';

/** The history a run streamed to `<outDir>/history.jsonl`, read back. */
export function readHistory(outDir: string): HistoryEvent[] {
  const text = readFileSync(join(outDir, 'history.jsonl'), 'utf8');
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as HistoryEvent);
}
