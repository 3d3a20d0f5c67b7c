import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunitXml } from '../../reports/junit-xml.ts';
import { renderResultJson } from '../../reports/result-json.ts';
import { renderSummaryMarkdown } from '../../reports/summary-markdown.ts';
import type { HistoryEvent } from '../history/history.ts';
import type { RunResult } from './run-result.ts';

/**
 * Writes a run's directory: result.json, history.jsonl, summary.md; the JUnit XML when asked; and
 * the summary appended to $GITHUB_STEP_SUMMARY when that variable is set.
 */
export function writeRunFiles(result: RunResult, history: readonly HistoryEvent[], options: { junit?: string; stepSummary?: string }): string[] {
  const written: string[] = [];
  const put = (path: string, text: string) => {
    writeFileSync(path, text);
    written.push(path);
  };
  put(join(result.outDir, 'result.json'), renderResultJson(result));
  put(join(result.outDir, 'history.jsonl'), history.map((e) => JSON.stringify(e)).join('\n') + (history.length > 0 ? '\n' : ''));
  const summary = renderSummaryMarkdown(result);
  put(join(result.outDir, 'summary.md'), summary);
  if (options.junit !== undefined) put(options.junit, renderJunitXml([result]));
  if (options.stepSummary !== undefined && options.stepSummary !== '') {
    appendFileSync(options.stepSummary, `${summary}\n`);
    written.push(options.stepSummary);
  }
  return written;
}
