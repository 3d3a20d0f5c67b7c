import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordRequest, type RunRequest } from '../../../harness/engine/run-request.ts';
import { renderSummaryMarkdown } from '../../../reports/summary-markdown.ts';
import { sampleResult } from '../../reports/sample-result.ts';

const ASKED: RunRequest = { scenario: 'reserve', sut: 'core', keep: [], iterations: 20, workers: 4, isolation: 'thread', seed: 9, maxCollisionRate: 0 };

test('a recorded request fills in the staleness and fault rates the run used by default', () => {
  const recorded = recordRequest(ASKED);
  assert.deepEqual(recorded, { ...ASKED, staleMs: 5000, killRate: 0, pauseRate: 0 });
});

test("a recorded request names an --exec run's system under test exec, and keeps its templates", () => {
  const recorded = recordRequest({ ...ASKED, exec: './r.sh {counters}', setup: 'true {root}', recover: 'true {counters}', trace: true });
  assert.equal(recorded.sut, 'exec');
  assert.deepEqual([recorded.exec, recorded.setup, recorded.recover, recorded.trace], ['./r.sh {counters}', 'true {root}', 'true {counters}', true]);
});

test("a store URL's password reaches neither the recorded request nor summary.md", () => {
  const recorded = recordRequest({ ...ASKED, sut: 'postgres', store: 'postgres://ci:s3cret@db:5432/work' });
  assert.equal(recorded.store, 'postgres://ci:***@db:5432/work');
  const summary = renderSummaryMarkdown({ ...sampleResult(), ...recorded });
  assert.ok(summary.includes("--store 'postgres://ci:***@db:5432/work'"), summary);
  assert.ok(!summary.includes('s3cret'));
  assert.equal(recordRequest({ ...ASKED, store: 'postgres' }).store, 'postgres');
});

test("a recorded request holds only the request's own fields, not a caller's output directory or callbacks", () => {
  const recorded = recordRequest({ ...ASKED, outDir: '/tmp/x', onProgress: () => {} } as RunRequest);
  assert.deepEqual(Object.keys(recorded).sort(), [...Object.keys(ASKED), 'staleMs', 'killRate', 'pauseRate'].sort());
});
