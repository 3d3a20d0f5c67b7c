import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChart, lineChart } from '../../reports/svg-chart.ts';
import { histogramChart } from '../../reports/svg-histogram.ts';
import { autoScale, formatTick, linearScale, logScale } from '../../reports/svg-scale.ts';

test('a linear scale maps its ends onto the pixel range and ticks cover the data', () => {
  const y = linearScale(0, 93, 300, 40);
  assert.equal(y(0), 300);
  const top = y.ticks[y.ticks.length - 1]!;
  assert.ok(top >= 93);
  assert.equal(y(top), 40);
  assert.equal(y.log, false);
});

test('a log scale has a tick per decade and maps them evenly', () => {
  const x = logScale(0.05, 800, 0, 500);
  assert.deepEqual(x.ticks, [0.01, 0.1, 1, 10, 100, 1000]);
  assert.equal(x(0.01), 0);
  assert.equal(x(1000), 500);
  assert.ok(Math.abs(x(1) - 200) < 1e-9);
});

test('autoScale goes logarithmic only for values that span a wide range', () => {
  assert.equal(autoScale([10, 20, 40], 0, 100).log, false);
  assert.equal(autoScale([1, 5000], 0, 100).log, true);
  assert.equal(autoScale([], 0, 100).log, false);
});

test('ticks read short', () => {
  assert.equal(formatTick(0), '0');
  assert.equal(formatTick(0.05), '0.05');
  assert.equal(formatTick(96.97), '97');
  assert.equal(formatTick(25000), '25k');
  assert.equal(formatTick(1_500_000), '1.5M');
});

test('charts are svg documents that name their title and series', () => {
  const line = lineChart({
    title: 'T <1>',
    xLabel: 'workers',
    yLabel: 'ops/s',
    series: [
      {
        name: 'a&b',
        points: [
          { x: 1, y: 10 },
          { x: 10, y: 5000 },
        ],
      },
    ],
  });
  assert.match(line, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
  assert.match(line, /<title>T &lt;1&gt;<\/title>/);
  assert.match(line, /a&amp;b/);
  assert.match(line, /<polyline /);
  assert.match(line, /\(log scale\)/);
  const bars = barChart({ title: 'B', yLabel: 'ms', categories: ['x', 'y'], series: [{ name: 's', values: [1, null] }] });
  assert.equal((bars.match(/<rect x="\d/g) ?? []).length >= 2, true);
});

test('a histogram with no samples says so instead of failing', () => {
  const svg = histogramChart({ title: 'H', series: [{ name: 'wait', buckets: [] }] });
  assert.match(svg, /no samples/);
  assert.match(svg, /<\/svg>$/);
});
