import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderJunitXml } from '../../reports/junit-xml.ts';
import { check, failingResult, NASTY_EXAMPLE, sampleResult } from './sample-result.ts';
import { findAll, parseXml } from './xml-parse.ts';

test('the report is well-formed XML with a declaration and one testsuite per run', () => {
  const xml = renderJunitXml([sampleResult(), failingResult(), sampleResult({ verdict: 'unknown', checks: [] })]);
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  assert.ok(xml.endsWith('</testsuites>\n'));
  const root = parseXml(xml);
  assert.equal(root.name, 'testsuites');
  assert.deepEqual(
    findAll(root, 'testsuite').map((s) => s.attrs.name),
    ['racetrack.allocate.core', 'racetrack.allocate.allocate-narrow-lock', 'racetrack.allocate.core'],
  );
  assert.deepEqual([root.attrs.tests, root.attrs.failures, root.attrs.errors], ['6', '1', '2']);
});

test('one testcase per checker, classed by scenario and sut', () => {
  const suite = findAll(parseXml(renderJunitXml([failingResult()])), 'testsuite')[0]!;
  const cases = findAll(suite, 'testcase');
  assert.deepEqual(
    cases.map((c) => c.attrs.name),
    ['uniqueness', 'gap-bound', 'no-orphans'],
  );
  assert.ok(cases.every((c) => c.attrs.classname === 'racetrack.allocate.allocate-narrow-lock'));
  assert.deepEqual([suite.attrs.tests, suite.attrs.failures, suite.attrs.errors, suite.attrs.time], ['3', '1', '1', '1.235']);
});

test('a failed check has a failure element with its message and the escaped example', () => {
  const xml = renderJunitXml([failingResult()]);
  assert.ok(xml.includes('&lt;dup&gt; &amp; \\"quoted\\"'), 'example escaped in the body');
  assert.ok(!xml.includes('<dup>'));
  const testcase = findAll(parseXml(xml), 'testcase').find((c) => c.attrs.name === 'uniqueness')!;
  const [failure] = findAll(testcase, 'failure');
  assert.equal(failure!.attrs.message, 'duplicated 7 | 1000 acknowledged');
  assert.equal(failure!.attrs.type, 'fail');
  assert.ok(failure!.text.includes(JSON.stringify(NASTY_EXAMPLE)));
  assert.ok(failure!.text.includes('examples (first 5 of 7):'));
  assert.ok(failure!.text.includes('replay: racetrack run allocate'));
});

test('an unknown check is an error, never skipped, so CI cannot read it as a pass', () => {
  const xml = renderJunitXml([failingResult()]);
  assert.ok(!xml.includes('<skipped'));
  const testcase = findAll(parseXml(xml), 'testcase').find((c) => c.attrs.name === 'gap-bound')!;
  assert.deepEqual(
    findAll(testcase, 'error').map((e) => e.attrs.type),
    ['unknown'],
  );
  assert.equal(findAll(findAll(parseXml(xml), 'testcase').find((c) => c.attrs.name === 'no-orphans')!, 'failure').length, 0);
});

test('a checker the run left out is a skipped testcase with its reason, counted as skipped', () => {
  const xml = renderJunitXml([sampleResult({ notChecked: [{ checker: 'mutual-exclusion', reason: 'no lock events <reported>' }] })]);
  const root = parseXml(xml);
  const [suite] = findAll(root, 'testsuite');
  assert.deepEqual([suite!.attrs.tests, suite!.attrs.skipped, root.attrs.skipped], ['3', '1', '1']);
  const testcase = findAll(suite!, 'testcase').find((c) => c.attrs.name === 'mutual-exclusion')!;
  assert.deepEqual(
    findAll(testcase, 'skipped').map((e) => e.attrs.message),
    ['no lock events <reported>'],
  );
});

test('a run verdict worse than all its checks gets a run-verdict testcase', () => {
  const root = parseXml(renderJunitXml([sampleResult({ verdict: 'fail' }), sampleResult({ verdict: 'unknown', checks: [] })]));
  const verdictCases = findAll(root, 'testcase').filter((c) => c.attrs.name === 'run-verdict');
  assert.deepEqual(
    verdictCases.map((c) => c.children[0]?.name),
    ['failure', 'error'],
  );
  assert.equal(findAll(parseXml(renderJunitXml([sampleResult()])), 'testcase').length, 2);
});

test('properties carry seed, iterations, workers and the collision rate with its bound', () => {
  const props = findAll(parseXml(renderJunitXml([failingResult({ exec: './a.sh' })])), 'property');
  const byName = Object.fromEntries(props.map((p) => [p.attrs.name, p.attrs.value]));
  assert.equal(byName.seed, '424242');
  assert.equal(byName.iterations, '100');
  assert.equal(byName.workers, '10');
  assert.equal(byName.collisionRate, '0.03');
  assert.ok(Math.abs(Number(byName.collisionRateUpper95) - 0.0757) < 1e-3);
  assert.equal(byName.exec, './a.sh');
});

test('quotes, newlines, control characters and lone surrogates cannot break the XML', () => {
  const message = `it's "bad" <x> & y\nsecond line\u0000\u001b\uD800 ]]> end`;
  const result = sampleResult({
    scenario: 'a"b<c>',
    verdict: 'fail',
    checks: [check(`chk'&"`, 'fail', message, [{ s: '\u0007\uDFFF</failure>' }])],
  });
  const root = parseXml(renderJunitXml([result]));
  const [testcase] = findAll(root, 'testcase');
  assert.equal(testcase!.attrs.name, `chk'&"`);
  assert.equal(testcase!.attrs.classname, 'racetrack.a"b<c>.core');
  const [failure] = findAll(testcase!, 'failure');
  assert.equal(failure!.attrs.message, `it's "bad" <x> & y\nsecond line ]]> end`);
  assert.ok(failure!.text.includes('</failure>'));
});

test('no runs still make a well-formed, empty report', () => {
  const root = parseXml(renderJunitXml([]));
  assert.equal(root.attrs.tests, '0');
  assert.equal(root.children.length, 0);
});
