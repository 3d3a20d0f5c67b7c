import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, failingResult, sampleFaults, sampleResult } from './sample-result.ts';
import { renderSummaryMarkdown } from '../../reports/summary-markdown.ts';
import { codeSpan, tableCell } from '../../reports/markdown-text.ts';
import { formatPercent } from '../../reports/number-format.ts';

/** The cells of a table row, split on pipes that are not escaped. */
const cellsOf = (row: string): string[] =>
  row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

test('the heading starts with the verdict', () => {
  assert.match(renderSummaryMarkdown(sampleResult()), /^## PASS · racetrack allocate on core\n/);
  assert.match(renderSummaryMarkdown(failingResult()), /^## FAIL · racetrack allocate on allocate-narrow-lock\n/);
  assert.match(renderSummaryMarkdown(sampleResult({ verdict: 'unknown' })), /^## UNKNOWN /);
});

test('the collision rate line gives the count, the rate and the 95% upper bound', () => {
  assert.ok(renderSummaryMarkdown(sampleResult()).includes('0 / 100 iterations (0%), 95% upper bound 3.0%'));
  assert.ok(renderSummaryMarkdown(failingResult()).includes('3 / 100 iterations (3.0%), 95% upper bound 7.6%'));
});

test('N, isolation, runtime, seed, wall time and the replay command are shown', () => {
  const md = renderSummaryMarkdown(sampleResult());
  for (const fact of [
    '**N:** 1000 = 100 iterations × 10 workers',
    '**Isolation:** thread',
    '**Runtime:** node 20.20.2',
    '**Seed:** 424242',
    '**Wall time:** 1.23 s',
    '```sh\nracetrack run allocate --iterations 100 --workers 10 --isolation thread --seed 424242 --stale-ms 5000\n```',
  ]) {
    assert.ok(md.includes(fact), `missing ${fact}`);
  }
});

test('pipes in table cells are escaped, so every row keeps its columns', () => {
  const md = renderSummaryMarkdown(failingResult());
  const row = md.split('\n').find((line) => line.startsWith('| uniqueness |'));
  assert.equal(row, '| uniqueness | FAIL | duplicated 7 \\| 1000 acknowledged |');
  assert.deepEqual(cellsOf(row!), ['uniqueness', 'FAIL', 'duplicated 7 \\| 1000 acknowledged']);
  assert.equal(tableCell('a|b\nc'), 'a\\|b c');
});

test('the operations and checks tables have one row per entry', () => {
  const md = renderSummaryMarkdown(failingResult());
  assert.ok(md.includes('| attempted | ok | fail | info |\n|---:|---:|---:|---:|\n| 1000 | 1000 | 0 | 0 |'));
  assert.ok(md.includes('| gap-bound | UNKNOWN | too many info ops to bound gaps |'));
  assert.ok(md.includes('| no-orphans | PASS |'));
});

test('the first violations are listed with their examples as code spans', () => {
  const md = renderSummaryMarkdown(failingResult());
  assert.ok(md.includes('### Violations (first 5 of 7)'));
  assert.ok(md.includes('- **uniqueness**: id 001 allocated twice — `{"id":"001","workers":[1,2]}`'));
  // The nasty example holds a backtick, so its span is fenced with two.
  assert.ok(md.includes('``{"id":"007|<dup> & \\"quoted\\" \'single\' `tick`","workers":[1,2]}``'));
  assert.ok(!md.includes('id 005 allocated twice'));
});

test('a long example is cut with an ellipsis', () => {
  const example = { ids: Array.from({ length: 500 }, (_, i) => i) };
  const md = renderSummaryMarkdown(sampleResult({ verdict: 'fail', violations: [{ checker: 'c', message: 'm', example }] }));
  const line = md.split('\n').find((l) => l.startsWith('- **c**'))!;
  assert.ok(line.includes('…`') && line.length < 220);
});

test('lock timing is shown when measured and left out when not', () => {
  const md = renderSummaryMarkdown(sampleResult());
  assert.ok(md.includes('| hold | 1000 | 0.0123 ms | 0.5 ms | 2.25 ms |'));
  assert.ok(md.includes('| wait | 1000 | 1.5 ms | 12.8 ms | 40 ms |'));
  assert.ok(!renderSummaryMarkdown(sampleResult({ lockHold: null, lockWait: null })).includes('Lock timing'));
});

test('checkers left out are listed under "Not checked, and why", and nothing is when none was', () => {
  const reason = 'the system under test (exec) does not report its lock acquisitions and releases, so there is nothing for mutual-exclusion to judge';
  const md = renderSummaryMarkdown(sampleResult({ notChecked: [{ checker: 'mutual-exclusion', reason }] }));
  assert.ok(md.includes(`### Not checked, and why\n\n- **mutual-exclusion**: ${reason}\n`));
  assert.ok(!md.includes('| mutual-exclusion |'), 'a checker left out is not in the checks table');
  assert.ok(!renderSummaryMarkdown(sampleResult()).includes('Not checked'));
});

test('an exec run shows its template and replays with --exec', () => {
  const md = renderSummaryMarkdown(sampleResult({ sut: 'exec', exec: "./alloc.sh '{root}'", checks: [check('x', 'pass', 'ok')] }));
  assert.ok(md.includes("--sut exec --exec './alloc.sh '\\''{root}'\\'''"));
  assert.ok(md.includes("**System under test:** exec (`./alloc.sh '{root}'`)"));
});

test('percentages: exact 0 and 100, one decimal from 1%, two significant digits below', () => {
  assert.deepEqual([0, 1, 0.02951, 1 / 3, 0.002991, 0.0000129].map(formatPercent), ['0%', '100%', '3.0%', '33.3%', '0.30%', '0.0013%']);
  assert.equal(formatPercent(Number.NaN), 'n/a');
});

test('code spans outlast any backtick run inside', () => {
  assert.equal(codeSpan('a'), '`a`');
  assert.equal(codeSpan('a`b'), '``a`b``');
  assert.equal(codeSpan('`a'), '`` `a ``');
});

test('faults are told in words with numbers rounded for people, not as raw JSON', () => {
  const md = renderSummaryMarkdown(sampleResult({ isolation: 'process', faults: sampleFaults({ kills: 12, killsPerSecond: 3.4903233648630887, pauses: 1, faultedIterations: 8 }) }));
  assert.match(md, /^- \*\*Faults:\*\* 12 workers killed \(3\.5\/s\), 1 lock holder paused, in 8 iterations/m);
  assert.doesNotMatch(md, /3\.49032/);
});
