import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderBenchHtml } from '../../reports/bench-html.ts';
import { sampleBenchReport } from './bench-sample-report.ts';

test('the html is self-contained: no script, stylesheet link or remote src/href', () => {
  const html = renderBenchHtml(sampleBenchReport());
  assert.ok(html.startsWith('<!doctype html>'));
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  assert.doesNotMatch(html, /url\(/i);
  assert.doesNotMatch(html, /@import/i);
});

test('the html draws its charts as inline svg, each closed', () => {
  const html = renderBenchHtml(sampleBenchReport());
  const opened = html.match(/<svg[\s>]/g) ?? [];
  const closed = html.match(/<\/svg>/g) ?? [];
  assert.ok(opened.length >= 6, `only ${opened.length} charts`);
  assert.equal(closed.length, opened.length);
});

test('the html escapes what the report says', () => {
  const html = renderBenchHtml(sampleBenchReport());
  assert.doesNotMatch(html, /<around>/);
  assert.match(html, /&lt;around&gt;/);
  assert.doesNotMatch(html, /boom <b>/);
});

test('the html shows every ratio beside its target', () => {
  const report = sampleBenchReport();
  const html = renderBenchHtml(report);
  for (const [name, r] of Object.entries(report.ratios)) {
    const at = html.indexOf(`<code>${name}</code>`);
    assert.ok(at >= 0, name);
    const row = html.slice(at, html.indexOf('</tr>', at));
    assert.ok(row.includes(r.target.replace('>', '&gt;').replace('<', '&lt;')), `${name}: ${row}`);
  }
  assert.match(html, /2\.90, 3\.50 \(met in 1 of 2\)/, 'each round of a ratio beside its pooled value');
});

test('a report with nothing measured still renders', () => {
  const report = { ...sampleBenchReport(), contention: [], singleOp: [], overhead: null };
  const html = renderBenchHtml(report);
  assert.match(html, /<\/html>\s*$/);
  assert.match(html, /<svg/);
});
