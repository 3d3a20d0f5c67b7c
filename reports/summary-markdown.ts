import { faultText } from './fault-text.ts';
import type { RunResult } from '../harness/engine/run-result.ts';
import type { LatencySummary } from '../harness/stats/latency.ts';
import { collisionText } from './collision-text.ts';
import { compactJson } from './compact-json.ts';
import { codeBlock, codeSpan, tableRow } from './markdown-text.ts';
import { formatDuration, formatMs, formatPercent } from './number-format.ts';
import { replayCommand } from './replay-command.ts';

/**
 * `summary.md`, also what goes to `$GITHUB_STEP_SUMMARY`: a `##` heading that starts with the
 * verdict (`PASS`, `FAIL`, `UNKNOWN`), the run's facts (N = iterations × workers, isolation,
 * runtime, seed), the collision rate with its 95% upper bound, the operations and checks tables,
 * what was not checked and why (checkers the system under test cannot feed), the first violations with their examples, lock hold/wait percentiles when measured, the wall
 * time and the command that replays the run. Sections are `###`, so the summaries of several runs
 * can be appended to one step summary. Ends with a newline.
 */
export function renderSummaryMarkdown(result: RunResult): string {
  const sections = [
    heading(result),
    facts(result),
    ['### Operations', '', tableRow(['attempted', 'ok', 'fail', 'info']), '|---:|---:|---:|---:|', tableRow(counts(result.operations))].join('\n'),
    checks(result),
    notChecked(result),
    violations(result),
    lockTiming(result),
    ['### Replay', '', codeBlock(replayCommand(result), 'sh')].join('\n'),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

/** How many violations the summary lists; the rest are in result.json. */
const MAX_VIOLATIONS = 5;
/** How much of one example's JSON the summary shows. */
const MAX_EXAMPLE_CHARS = 160;

function heading(result: RunResult): string {
  return `## ${result.verdict.toUpperCase()} · racetrack ${result.scenario} on ${result.sut}`;
}

/**
 * The collision rate as people read it: `0 / 100 iterations (0%), 95% upper bound 3.0%`. The
 * number of colliding iterations is recovered from the rate (rate × iterations, rounded).
 */
export function collisionRateLine(result: RunResult): string {
  const colliding = result.collidingIterations;
  return `${colliding} / ${result.iterations} iterations (${formatPercent(result.collisionRate)}), ` + `95% upper bound ${formatPercent(result.collisionRateUpper95)}`;
}

function facts(result: RunResult): string {
  const lines = [
    `- **Scenario:** ${result.scenario}`,
    `- **System under test:** ${result.sut}${result.exec === undefined ? '' : ` (${codeSpan(result.exec)})`}`,
    `- **N:** ${result.iterations * result.workers} = ${result.iterations} iterations × ${result.workers} workers`,
    `- **Isolation:** ${result.isolation}`,
    `- **Runtime:** ${result.runtime.name} ${result.runtime.version}`,
    `- **Seed:** ${result.seed}`,
    `- **Collision rate:** ${collisionRateLine(result)} (allowed: ${formatPercent(result.maxCollisionRate)})`,
    `- **Collisions:** ${collisionText({ values: result.collisions, extraHolders: result.extraHolders })}`,
  ];
  if (result.faults !== undefined) lines.push(`- **Faults:** ${faultText(result.faults)} (exact figures in result.json)`);
  lines.push(`- **Wall time:** ${formatDuration(result.wallMs)} (started ${result.startedAt})`, `- **Files:** ${codeSpan(result.outDir)}`);
  return lines.join('\n');
}

function counts(ops: RunResult['operations']): string[] {
  return [ops.attempted, ops.ok, ops.fail, ops.info].map(String);
}

function checks(result: RunResult): string {
  if (result.checks.length === 0) return '### Checks\n\nNo checks ran.';
  const rows = result.checks.map((c) => tableRow([c.checker, c.verdict.toUpperCase(), c.message]));
  return ['### Checks', '', tableRow(['checker', 'verdict', 'message']), '|---|---|---|', ...rows].join('\n');
}

function notChecked(result: RunResult): string {
  if (result.notChecked.length === 0) return '';
  return ['### Not checked, and why', '', ...result.notChecked.map((n) => `- **${n.checker}**: ${n.reason}`)].join('\n');
}

function violations(result: RunResult): string {
  const all = result.violations;
  if (all.length === 0) return '';
  const shown = all.slice(0, MAX_VIOLATIONS);
  const title = all.length > shown.length ? `### Violations (first ${shown.length} of ${all.length})` : `### Violations (${all.length})`;
  const items = shown.map((v) => {
    const message = v.message.replace(/\s*[\r\n]+\s*/g, ' ');
    return `- **${v.checker}**: ${message} — ${codeSpan(compactJson(v.example, MAX_EXAMPLE_CHARS))}`;
  });
  return [title, '', ...items].join('\n');
}

function lockTiming(result: RunResult): string {
  const rows: [string, LatencySummary][] = [];
  if (result.lockHold !== null) rows.push(['hold', result.lockHold]);
  if (result.lockWait !== null) rows.push(['wait', result.lockWait]);
  if (rows.length === 0) return '';
  return [
    '### Lock timing',
    '',
    tableRow(['lock', 'count', 'p50', 'p99', 'max']),
    '|---|---:|---:|---:|---:|',
    ...rows.map(([name, l]) => tableRow([name, String(l.count), formatMs(l.p50Ms), formatMs(l.p99Ms), formatMs(l.maxMs)])),
  ].join('\n');
}
