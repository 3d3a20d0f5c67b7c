import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunitXml } from '../../reports/junit-xml.ts';
import { renderResultJson } from '../../reports/result-json.ts';
import { renderSummaryMarkdown } from '../../reports/summary-markdown.ts';
import type { RunResult } from './run-result.ts';

/**
 * Writes a run's directory beside the history.jsonl the run streamed: result.json, summary.md; the JUnit XML when asked; and
 * the summary appended to $GITHUB_STEP_SUMMARY when that variable is set.
 */
export function writeRunFiles(result: RunResult, options: { junit?: string; stepSummary?: string }): string[] {
  const written: string[] = [];
  const put = (path: string, text: string) => {
    writeFileSync(path, text);
    written.push(path);
  };
  put(join(result.outDir, 'result.json'), renderResultJson(result));
  written.push(join(result.outDir, 'history.jsonl')); // written by the run as it went
  const summary = renderSummaryMarkdown(result);
  put(join(result.outDir, 'summary.md'), summary);
  if (options.junit !== undefined) put(options.junit, renderJunitXml([result]));
  if (options.stepSummary !== undefined && options.stepSummary !== '') {
    appendFileSync(options.stepSummary, `${summary}\n`);
    written.push(options.stepSummary);
  }
  return written;
}
