import type { Validity } from '../harness/checkers/checker.ts';
import type { RunResult } from '../harness/engine/run-result.ts';
import { compactJson, truncate } from './compact-json.ts';
import { replayCommand } from './replay-command.ts';
import { xmlAttr, xmlText } from './xml-escape.ts';

/**
 * JUnit XML for CI test reporters: one `<testsuite>` per run, named and classed
 * `racetrack.<scenario>.<sut>`, and in it one `<testcase>` per checker.
 *
 * - `fail` → `<failure type="fail">`: the check's message, then its first examples as compact
 *   JSON (falling back to the run's violations of that checker), its stats and the replay command.
 * - `unknown` → `<error type="unknown">`, never `<skipped>`: an undecided check must not look
 *   like a pass to CI, and JUnit's "error" (the test could not reach a verdict) is what it is;
 *   every reporter counts errors as not passed.
 * - A run whose verdict is worse than all of its checks (say it crashed before checking) gets one
 *   more testcase, `run-verdict`, carrying that verdict, so CI cannot go green on it.
 * - A checker the run left out (the system under test cannot feed it, as an `--exec` command
 *   cannot report its lock acquisitions) → `<skipped>` with the reason: it never ran, and the
 *   run's verdict does not rest on it.
 *
 * The suite carries properties (seed, iterations, workers, collisionRate, collisionRateUpper95, …)
 * and `time` in seconds from `wallMs`; testcases have `time="0"` because checkers judge the whole
 * run and are not timed apart. The replay command goes to the suite's `<system-out>`.
 */
export function renderJunitXml(results: readonly RunResult[]): string {
  const suites = results.map(renderSuite);
  const sum = (key: 'tests' | 'failures' | 'errors' | 'skipped'): number => suites.reduce((n, s) => n + s[key], 0);
  const wallMs = results.reduce((ms, r) => ms + r.wallMs, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="racetrack" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${seconds(wallMs)}">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

const MAX_EXAMPLES = 5;
const RANK: Readonly<Record<Validity, number>> = { pass: 0, unknown: 1, fail: 2 };

interface Case {
  readonly name: string;
  readonly verdict: Validity | 'skipped';
  readonly message: string;
  readonly details: string;
}

function renderSuite(result: RunResult): { tests: number; failures: number; errors: number; skipped: number; lines: string[] } {
  const name = `racetrack.${result.scenario}.${result.sut}`;
  const cases = casesOf(result);
  const failures = cases.filter((c) => c.verdict === 'fail').length;
  const errors = cases.filter((c) => c.verdict === 'unknown').length;
  const skipped = cases.filter((c) => c.verdict === 'skipped').length;
  const lines = [
    `  <testsuite name="${xmlAttr(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(result.wallMs)}" timestamp="${xmlAttr(result.startedAt)}">`,
    '    <properties>',
    ...propertiesOf(result).map(([key, value]) => `      <property name="${key}" value="${xmlAttr(value)}"/>`),
    '    </properties>',
    ...cases.flatMap((c) => renderCase(name, c)),
    `    <system-out>${xmlText(`replay: ${replayCommand(result)}\nfiles: ${result.outDir}`)}</system-out>`,
    '  </testsuite>',
  ];
  return { tests: cases.length, failures, errors, skipped, lines };
}

function casesOf(result: RunResult): Case[] {
  const cases: Case[] = result.checks.map((check) => {
    const examples = check.examples.length > 0 ? check.examples : result.violations.filter((v) => v.checker === check.checker).map((v) => v.example);
    const lines = [check.message, ...exampleLines(examples)];
    if (check.stats !== undefined) lines.push(`stats: ${compactJson(check.stats, 1000)}`);
    lines.push(`replay: ${replayCommand(result)}`);
    return { name: check.checker, verdict: check.verdict, message: check.message, details: lines.join('\n') };
  });
  const worst = Math.max(0, ...result.checks.map((c) => RANK[c.verdict]));
  if (RANK[result.verdict] > worst) {
    const message = `the run's verdict is ${result.verdict}, though no check reported it`;
    cases.push({ name: 'run-verdict', verdict: result.verdict, message, details: `${message}\nreplay: ${replayCommand(result)}` });
  }
  for (const n of result.notChecked) cases.push({ name: n.checker, verdict: 'skipped', message: n.reason, details: n.reason });
  return cases;
}

function exampleLines(examples: readonly unknown[]): string[] {
  if (examples.length === 0) return [];
  const shown = examples.slice(0, MAX_EXAMPLES);
  const more = examples.length > shown.length ? ` (first ${shown.length} of ${examples.length})` : '';
  return [`examples${more}:`, ...shown.map((e) => `  ${compactJson(e, 500)}`)];
}

function renderCase(classname: string, c: Case): string[] {
  const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(c.name)}" time="0"`;
  if (c.verdict === 'pass') return [`${open}/>`];
  if (c.verdict === 'skipped') return [`${open}>`, `      <skipped message="${xmlAttr(truncate(c.message, 1000))}"/>`, '    </testcase>'];
  const element = c.verdict === 'fail' ? 'failure' : 'error';
  return [`${open}>`, `      <${element} message="${xmlAttr(truncate(c.message, 1000))}" type="${c.verdict}">${xmlText(c.details)}</${element}>`, '    </testcase>'];
}

function propertiesOf(result: RunResult): [string, string][] {
  const props: [string, string][] = [
    ['verdict', result.verdict],
    ['sut', result.sut],
    ['seed', String(result.seed)],
    ['iterations', String(result.iterations)],
    ['workers', String(result.workers)],
    ['isolation', result.isolation],
    ['runtime', `${result.runtime.name} ${result.runtime.version}`],
    ['collisions', String(result.collisions)],
    ['extraHolders', String(result.extraHolders)],
    ['collidingIterations', String(result.collidingIterations)],
    ['collisionRate', String(result.collisionRate)],
    ['collisionRateUpper95', String(result.collisionRateUpper95)],
    ['maxCollisionRate', String(result.maxCollisionRate)],
  ];
  if (result.exec !== undefined) props.splice(2, 0, ['exec', result.exec]);
  return props;
}

/** Milliseconds as JUnit's seconds with three decimals; anything not a finite count as 0. */
function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000';
}
