import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isRacetrackError } from '../../../core/errors.ts';
import { parseRegistry, registryCell, renderRegistry, setRegistryCell, withOwnerColumns } from '../../../core/registry/table.ts';
import { cellValue, parseRow, renderRow } from '../../../core/registry/table-row.ts';
import { registryFileArbitrary } from '../../fixtures/registry-arbitrary.ts';
import { registryDocumentArbitrary } from '../../fixtures/registry-document-arbitrary.ts';
import { oracleRegistryLines } from '../../support/markdown-oracle.ts';

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
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => registryCell(t, 0, c)),
      ['a.example', 'B', 'has | pipe', '001'],
    );
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => registryCell(t, 2, c)),
      ['c.example', 'O', 'open row', '002'],
    );
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

  test('takes every line up to a blank one as a row, a line of prose right below the table too, as GitHub shows it', () => {
    const t = parseRegistry('| Domain | Batch | Status |\n|---|---|---|\n| y | 2 | D |\nprose right after\n| a | row |\n\n| not | a | row |\n');
    assert.deepEqual(
      t.rows.map((r) => cellValue(r, 0)),
      ['y', 'prose right after', 'a'],
    );
    assert.equal(t.after, '\n| not | a | row |\n');
  });

  test('ends the table at a line that starts another block, or holds a lone pipe', () => {
    for (const next of ['# Notes', '> quoted', '- item', '2. item', '```', '<!-- note -->', '<span>', '***', '    code', '|']) {
      const t = parseRegistry(`| Domain | Batch | Status |\n|---|---|---|\n| y | 2 | D |\n${next}\n| z | 3 | D |\n`);
      assert.equal(t.rows.length, 1, next);
      assert.equal(t.after, `${next}\n| z | 3 | D |\n`, next);
    }
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

const REGISTRY = '| Domain | Batch | Status |\n|---|---|---|\n| hidden.example | 001 | O |\n';
const RENDERED = '| Domain | Batch | Status |\n|---|---|---|\n| shown.example | 002 | O |\n';
const indent = (text: string, by: string) => text.replace(/^(?=.)/gm, by);

/** Ways to write REGISTRY so that Markdown shows it as no table of the document, and what closes each. */
const HIDDEN: readonly (readonly [string, string, string, string])[] = [
  ['an HTML comment', `<!-- retired\n${REGISTRY}-->\n`, 'HTML block', ''],
  ['an HTML comment opened on the line above', `Notes.\n<!--\n${REGISTRY}\nstill commented\n-->\n`, 'HTML block', ''],
  ['an indented code block', `Example:\n\n${indent(REGISTRY, '    ')}`, 'indented code block', ''],
  ['an indented code block indented by tabs', `\n${indent(REGISTRY, '\t')}`, 'indented code block', ''],
  ['a <div> HTML block', `<div>\n${REGISTRY}</div>\n`, 'HTML block', ''],
  ['a fence left open', `\`\`\`md\nexample\n${REGISTRY}`, 'fenced code block', '```\n'],
  ['a ~~~ fence closed by a longer one', `~~~\n${REGISTRY}~~~~~\n`, 'fenced code block', ''],
  ['a fence that a shorter run does not close', `\`\`\`\`\n${REGISTRY}\`\`\`\n`, 'fenced code block', '````\n'],
  ['a <script> block spanning blank lines', `<script>\n\n${REGISTRY}\n</script>\n`, 'HTML block', ''],
];

describe('only a table Markdown renders is the registry', () => {
  for (const [where, text, kind, closer] of HIDDEN) {
    test(`a registry table inside ${where} is not claimed from, and the error says where it is`, () => {
      assert.throws(
        () => parseRegistry(text),
        (err: unknown) => {
          assert.ok(isRacetrackError(err, 'EINVALID'), String(err));
          const found = err.details.found as { line: number; inside: string };
          assert.equal(found.inside, kind);
          assert.equal(text.split('\n')[found.line - 1]!.trim().replace(/^\t/, ''), '| Domain | Batch | Status |');
          assert.match(err.message, new RegExp(`line ${found.line} is inside an? ${kind}`));
          return true;
        },
      );
    });

    test(`a rendered registry table after one inside ${where} is the one claimed from`, () => {
      // An open fence runs to the end of the file, so it is closed first.
      const closed = `${text}${closer}`;
      const file = `${closed}\n${RENDERED}`;
      const t = parseRegistry(file);
      assert.deepEqual(
        t.rows.map((r) => cellValue(r, 0)),
        ['shown.example'],
      );
      assert.equal(t.before, `${closed}\n`);
      assert.equal(renderRegistry(t), file);
    });
  }

  test('a registry table only inside a block quote or a list item is not claimed from, and the error says where', () => {
    const cases: [string, string, number][] = [
      [`Intro.\n\n${indent(REGISTRY, '> ')}`, 'blockquote', 3],
      [`- first\n- second:\n\n${indent(REGISTRY, '  ')}`, 'list', 1],
      [`1. step\n   ${REGISTRY.replace(/\n(?=.)/g, '\n   ')}`, 'list', 1],
    ];
    for (const [text, inside, from] of cases) {
      assert.throws(
        () => parseRegistry(text),
        (err: unknown) =>
          isRacetrackError(err, 'EINVALID') &&
          (err.details.found as { inside: string }).inside === inside &&
          (err.details.found as { from: number }).from === from &&
          err.message.includes('outside quotes and lists'),
        text,
      );
    }
  });

  test('a fence left open inside a list item or a quote ends with it: the table after it is the registry', () => {
    for (const open of ['- item\n  ```\n  code\n\n', '> ```\n> code\n']) {
      const t = parseRegistry(`${open}${RENDERED}`);
      assert.equal(t.before, open);
      assert.deepEqual(
        t.rows.map((r) => cellValue(r, 0)),
        ['shown.example'],
      );
    }
  });

  test('a table may interrupt a paragraph: its last line is the header', () => {
    const t = parseRegistry(`Sites we track:\n${RENDERED}`);
    assert.equal(t.header.line, 2);
    assert.equal(t.before, 'Sites we track:\n');
  });

  test('a header row that starts another block is that block, as on GitHub', () => {
    for (const text of ['# | Domain | Batch | Status\n-|-|-|-\n', '> | Domain | Batch | Status |\n|---|---|---|\n']) {
      assert.throws(() => parseRegistry(text), code('EINVALID'), text);
    }
  });

  test('a lone CR ends a line, and the file still renders back byte for byte', () => {
    const text = '# Sites\r\r| Domain | Batch | Status |\r|---|---|---|\r| a | 1 | O |\r\rEnd\r';
    const t = parseRegistry(text);
    assert.deepEqual([t.header.line, t.rows.length, t.after], [3, 1, '\rEnd\r']);
    assert.equal(renderRegistry(t), text);
  });

  test('the registry is the first top-level table markdown-it renders with the three columns, over the same lines', () => {
    fc.assert(
      fc.property(registryDocumentArbitrary, (text) => {
        const expected = oracleRegistryLines(text);
        let got: [number, number] | null = null;
        try {
          const t = parseRegistry(text);
          assert.equal(renderRegistry(t), text);
          got = [t.header.line - 1, t.header.line + 1 + t.rows.length];
        } catch (err) {
          if (!isRacetrackError(err, 'EINVALID')) throw err;
        }
        assert.deepEqual(got, expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('editing', () => {
  test('setting a cell rewrites only its row and keeps the cell width', () => {
    const t = parseRegistry(SAMPLE);
    const out = renderRegistry(setRegistryCell(t, 0, 1, 'd')).split('\r\n');
    const before = SAMPLE.split('\r\n');
    assert.deepEqual(
      out.flatMap((l, i) => (l === before[i] ? [] : [i])),
      [8],
    );
    assert.equal(out[8], '| a.example | d | has \\| pipe | 001 |  ');
    assert.equal(registryCell(parseRegistry(renderRegistry(setRegistryCell(t, 1, 2, 'x|y'))), 1, 2), 'x|y');
  });

  test("adding Owner and Claimed touches only the registry table, keeping each row's pipes", () => {
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
