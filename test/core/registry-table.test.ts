import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isRacetrackError } from '../../core/errors.ts';
import { parseRegistry, registryCell, renderRegistry, setRegistryCell, withOwnerColumns } from '../../core/registry-table.ts';
import { cellValue, parseRow, renderRow } from '../../core/table-row.ts';
import { registryFileArbitrary } from '../fixtures/registry-arbitrary.ts';

const code = (expected: string) => (err: unknown) => isRacetrackError(err) && err.code === expected;

const SAMPLE = [
  '# Registry',
  '',
  '| Name | Size |',
  '|------|------|',
  '| x    | 1    |',
  '',
  '| domain | STATUS | Notes | Batch |',
  '|:-------|:------:|-------|------:|',
  '| a.example | B | has \\| pipe | 001 |  ',
  '| b.example | d | | 001 |',
  'c.example | O | open row | 002',
  '',
  'tail',
].join('\r\n');

describe('parseRegistry', () => {
  test('picks the first table whose header has Domain, Batch and Status, in any case and order', () => {
    const t = parseRegistry(SAMPLE);
    assert.deepEqual(t.columns, { domain: 0, batch: 3, status: 1, owner: null, claimed: null });
    assert.equal(t.header.line, 7);
    assert.equal(t.rows.length, 3);
    assert.ok(t.before.endsWith('| x    | 1    |\r\n\r\n'));
    assert.equal(t.after, '\r\ntail');
  });

  test('reads cells trimmed, with escaped pipes unescaped, with or without outer pipes', () => {
    const t = parseRegistry(SAMPLE);
    assert.deepEqual([0, 1, 2, 3].map((c) => registryCell(t, 0, c)), ['a.example', 'B', 'has | pipe', '001']);
    assert.deepEqual([0, 1, 2, 3].map((c) => registryCell(t, 2, c)), ['c.example', 'O', 'open row', '002']);
    assert.equal(registryCell(t, 1, 2), '');
  });

  test('renders an unmodified file back byte for byte', () => {
    assert.equal(renderRegistry(parseRegistry(SAMPLE)), SAMPLE);
    const bom = `\uFEFF${SAMPLE}\n`;
    assert.equal(renderRegistry(parseRegistry(bom)), bom);
  });

  test('ignores tables inside fenced code blocks', () => {
    const text = ['```md', '| Domain | Batch | Status |', '|---|---|---|', '| x | 1 | B |', '```', '', '| Domain | Batch | Status |', '|---|---|---|', '| y | 2 | D |', ''].join('\n');
    const t = parseRegistry(text);
    assert.equal(registryCell(t, 0, 0), 'y');
    assert.equal(t.rows.length, 1);
  });

  test('ends the table at the first line without a pipe', () => {
    const t = parseRegistry('| Domain | Batch | Status |\n|---|---|---|\n| y | 2 | D |\nprose right after\n| not | a | row |\n');
    assert.equal(t.rows.length, 1);
    assert.equal(t.after, 'prose right after\n| not | a | row |\n');
  });

  test('a delimiter row of another width is not a table', () => {
    assert.throws(() => parseRegistry('| Domain | Batch | Status |\n|---|---|\n| y | 2 | D |\n'), code('EINVALID'));
  });

  test('a table without the needed columns is EINVALID and names what is missing', () => {
    assert.throws(
      () => parseRegistry('| Domain | Batch | State |\n|---|---|---|\n| y | 2 | D |\n'),
      (err: unknown) => isRacetrackError(err, 'EINVALID') && JSON.stringify(err.details.missing) === '["Status"]',
    );
    assert.throws(() => parseRegistry('no tables here\n'), code('EINVALID'));
    assert.throws(() => parseRegistry(''), code('EINVALID'));
  });

  test('a registry header naming a column twice is EINVALID; another table doing so is ignored', () => {
    assert.throws(() => parseRegistry('| Domain | Batch | Status | status |\n|---|---|---|---|\n'), code('EINVALID'));
    const t = parseRegistry('| Status | status |\n|---|---|\n\n| Domain | Batch | Status |\n|---|---|---|\n');
    assert.equal(t.header.line, 4);
  });

  test('added columns follow the spacing of the header and alignment rows', () => {
    const out = renderRegistry(withOwnerColumns(parseRegistry('Domain | Batch | Status\n|---|---|---|\n')));
    assert.equal(out, 'Domain | Batch | Status | Owner | Claimed\n|---|---|---|---|---|\n');
  });
});

describe('editing', () => {
  test('setting a cell rewrites only its row and keeps the cell width', () => {
    const t = parseRegistry(SAMPLE);
    const out = renderRegistry(setRegistryCell(t, 0, 1, 'd')).split('\r\n');
    const before = SAMPLE.split('\r\n');
    assert.deepEqual(out.flatMap((l, i) => (l === before[i] ? [] : [i])), [8]);
    assert.equal(out[8], '| a.example | d | has \\| pipe | 001 |  ');
    assert.equal(registryCell(parseRegistry(renderRegistry(setRegistryCell(t, 1, 2, 'x|y'))), 1, 2), 'x|y');
  });

  test('adding Owner and Claimed touches only the registry table, keeping each row\'s pipes', () => {
    const t = withOwnerColumns(parseRegistry(SAMPLE));
    assert.deepEqual([t.columns.owner, t.columns.claimed], [4, 5]);
    const out = renderRegistry(t).split('\r\n');
    assert.deepEqual(out.slice(6, 11), [
      '| domain | STATUS | Notes | Batch | Owner | Claimed |',
      '|:-------|:------:|-------|------:|---|---|',
      '| a.example | B | has \\| pipe | 001 | | |  ',
      '| b.example | d | | 001 | | |',
      'c.example | O | open row | 002',
    ]);
    assert.deepEqual(out.slice(0, 6), SAMPLE.split('\r\n').slice(0, 6));
    const set = renderRegistry(setRegistryCell(t, 2, 5, '2026-01-01T00:00:00.000Z'));
    assert.equal(set.split('\r\n')[10], 'c.example | O | open row | 002 | | 2026-01-01T00:00:00.000Z');
  });

  test('existing Owner and Claimed columns are reused, whatever their case', () => {
    const t = parseRegistry('| OWNER | Domain | Batch | Status | claimed |\n|---|---|---|---|---|\n');
    assert.equal(withOwnerColumns(t), t);
    assert.deepEqual([t.columns.owner, t.columns.claimed], [0, 4]);
  });

  test('a short row is padded before a cell past its end is set', () => {
    const t = parseRegistry('| Domain | Batch | Status | Notes |\n|---|---|---|---|\n| a | 1 | B |\n');
    const out = renderRegistry(setRegistryCell(t, 0, 3, 'n'));
    assert.equal(out, '| Domain | Batch | Status | Notes |\n|---|---|---|---|\n| a | 1 | B | n |\n');
  });
});

describe('table rows', () => {
  test('a pipe right after a backslash belongs to the cell, even after an escaped backslash, as GitHub reads it', () => {
    const row = parseRow('| a \\| b | c \\\\| d |', '', 1);
    assert.deepEqual(row.cells, [' a \\| b ', ' c \\\\| d ']);
    assert.equal(cellValue(row, 0), 'a | b');
    assert.equal(cellValue(row, 1), 'c \\| d');
    assert.equal(renderRow(row), '| a \\| b | c \\\\| d |');
  });
});

describe('properties', () => {
  test('any registry file round-trips byte for byte, and its cells read back as written', () => {
    fc.assert(
      fc.property(registryFileArbitrary, (g) => {
        const t = parseRegistry(g.text);
        assert.equal(renderRegistry(t), g.text);
        assert.equal(t.header.line, g.headerLine + 1);
        assert.equal(t.rows.length, g.rows.length);
        const index = Object.fromEntries(g.columns.map((c, i) => [c, i]));
        assert.deepEqual([t.columns.domain, t.columns.batch, t.columns.status], [index.domain, index.batch, index.status]);
        g.rows.forEach((row, r) => {
          for (const c of g.columns) assert.equal(registryCell(t, r, index[c]!), row[c], `row ${r} column ${c}`);
        });
      }),
      { numRuns: 300 },
    );
  });
});
