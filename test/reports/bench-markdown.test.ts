import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRatio, renderBenchMarkdown, roundsCell } from '../../reports/bench-markdown.ts';
import { sampleBenchReport } from './bench-sample-report.ts';

test('the markdown has a line for every ratio, with its target and verdict', () => {
  const report = sampleBenchReport();
  const md = renderBenchMarkdown(report);
  for (const [name, r] of Object.entries(report.ratios)) {
    const line = md.split('\n').find((l) => l.startsWith(`| \`${name}\``));
    assert.ok(line !== undefined, `no line for ${name}`);
    assert.ok(line.includes(r.target), `${name}: target ${r.target} missing from ${line}`);
    assert.match(line, r.note !== undefined ? /\| context \|/ : r.met === null ? /not measured/ : r.met ? /\| met \|/ : /NOT met/);
    if (r.note !== undefined) assert.ok(line.includes(r.note), `${name}: the note on a retired ratio is shown`);
  }
});

test('the ceiling is printed beside the targets', () => {
  const md = renderBenchMarkdown(sampleBenchReport());
  assert.match(md, /Ceiling: 1000 ops\/s \(1 \/ the core's median hold of 1 ms with one worker alone\); the core reached 400 ops\/s at 10 workers, 40% of it\./);
});

test('a lock run prints the bound any lock taken by creating a name cannot pass; other runs do not', () => {
  const report = sampleBenchReport();
  assert.doesNotMatch(renderBenchMarkdown(report), /bound for any lock/);
  const bound = { opsPerSecond: 28_000, way: 'link', vsKernelFlock: 0.32, vsProperLockfile: 18.7, basis: '' };
  const md = renderBenchMarkdown({ ...report, pathLockBound: bound });
  assert.match(
    md,
    /Measured bound for any lock taken by creating a name: 28000 ops\/s \(link, .*\), 0\.32 × the kernel's flock\(2\) \(lockVsKernelFlock can be no higher\) and 18\.70 × proper-lockfile \(lockVsProperLockfile can be no higher\), at 10 workers\./,
  );
});

test('a ratio measured in several rounds shows each round and in how many it met its target', () => {
  const md = renderBenchMarkdown(sampleBenchReport());
  const line = md.split('\n').find((l) => l.startsWith('| `p99WaitOverFairShare`'))!;
  assert.ok(line.includes('| 2.90, 3.50 (met in 1 of 2) |'), line);
  const overhead = md.split('\n').find((l) => l.startsWith('| `harnessOverhead`'))!;
  assert.ok(overhead.includes('| — |'), 'a single measurement has no rounds');
  const withGap = { value: 3.2, target: '<= 3', met: false, basis: '', rounds: [2.5, null, 3.5], roundsMet: 1 };
  assert.equal(roundsCell(withGap), '2.50, n/a, 3.50 (met in 1 of 2 measured)');
});

test('the markdown tables have as many cells in every row as in their header', () => {
  const md = renderBenchMarkdown(sampleBenchReport());
  const blocks = md
    .split('\n\n')
    .map((b) => b.split('\n').filter((l) => l.startsWith('|')))
    .filter((rows) => rows.length > 1);
  assert.ok(blocks.length >= 5);
  // Split on pipes that are not escaped: a cell may hold `\|`.
  const cells = (line: string) => line.split(/(?<!\\)\|/).length;
  for (const rows of blocks) for (const r of rows) assert.equal(cells(r), cells(rows[0]!), r);
});

test('the markdown names every row, says why a row was skipped, and ends with the command that regenerates it', () => {
  const report = sampleBenchReport();
  const md = renderBenchMarkdown(report);
  for (const row of report.contention) assert.ok(md.includes(`**${row.name}**`), row.name);
  assert.match(md, /skipped: only with --isolation process/);
  assert.ok(md.trimEnd().endsWith('```sh\nracetrack bench --workers 1,2,10\n```'));
  assert.match(md, /errored: boom <b>/);
});

test('a ratio that rounds onto its bound without being it shows the digits that tell them apart', () => {
  assert.equal(formatRatio(0.6696, 0.67), '0.6696');
  assert.equal(formatRatio(0.67, 0.67), '0.67');
  assert.equal(formatRatio(0.6712, 0.67), '0.6712');
  assert.equal(formatRatio(0.66999, 0.67), '0.66999', 'as many digits as it takes');
  assert.equal(formatRatio(0.82, 0.67), '0.82');
  assert.equal(formatRatio(0.6696), '0.67', 'without a bound, two decimals');
});
