import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactJson, toJsonData, truncate } from '../../reports/compact-json.ts';

test('short values render as one line of JSON', () => {
  assert.equal(compactJson({ id: 'A-1', workers: [1, 2] }), '{"id":"A-1","workers":[1,2]}');
  assert.equal(compactJson('a\nb'), '"a\\nb"');
  assert.equal(compactJson(undefined), 'undefined');
});

test('long values are cut to maxChars, ending in an ellipsis', () => {
  const text = compactJson({ ids: Array.from({ length: 100 }, (_, i) => i) }, 40);
  assert.equal(text.length, 40);
  assert.ok(text.endsWith('…'));
  assert.ok(text.startsWith('{"ids":[0,1,2'));
});

test('a cut never splits a surrogate pair', () => {
  const cut = truncate('ab😀cd', 4);
  assert.equal(cut, 'ab…');
  assert.equal(truncate('ab😀cd', 5), 'ab😀…');
});

test('bigints, cycles, errors, maps and dates do not break rendering', () => {
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  const shared = { x: 1 };
  assert.deepEqual(
    toJsonData({
      big: 12345678901234567890n,
      cyclic,
      twice: [shared, shared],
      err: new TypeError('boom'),
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      when: new Date(0),
      fn: () => 1,
    }),
    {
      big: '12345678901234567890',
      cyclic: { name: 'loop', self: '[Circular]' },
      twice: [{ x: 1 }, { x: 1 }],
      err: { name: 'TypeError', message: 'boom' },
      map: [['k', 1]],
      set: [1, 2],
      when: '1970-01-01T00:00:00.000Z',
    },
  );
});

test('a "__proto__" key from parsed data stays a key', () => {
  assert.equal(compactJson(JSON.parse('{"__proto__":{"x":1}}')), '{"__proto__":{"x":1}}');
});
