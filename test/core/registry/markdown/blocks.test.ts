import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { scanBlocks } from '../../../../core/registry/markdown/blocks.ts';
import { splitLines } from '../../../../core/registry/markdown/lines.ts';
import { registryDocumentArbitrary } from '../../../fixtures/registry-document-arbitrary.ts';
import { oracleBlocks } from '../../../support/markdown-oracle.ts';

/** The blocks of `text`, one `kind lines` string each (`> ` before a block inside a container). */
function blocks(text: string): string[] {
  return scanBlocks(splitLines(text)).map((b) => `${b.depth > 0 ? '> ' : ''}${b.kind} ${b.start}-${b.end}`);
}

/** The same, as markdown-it sees `text`. */
function oracle(text: string): string[] {
  return oracleBlocks(text).map((b) => `${b.topLevel ? '' : '> '}${b.kind} ${b.start}-${b.end}`);
}

const TABLE = '| a | b |\n|---|---|\n| c | d |\n';

describe('splitLines', () => {
  test('cuts at LF, CRLF and a lone CR, and the lines join back into the text', () => {
    const text = 'a\nb\r\nc\rd';
    const lines = splitLines(text);
    assert.deepEqual(
      lines.map((l) => [l.text, l.eol, l.start]),
      [
        ['a', '\n', 0],
        ['b', '\r\n', 2],
        ['c', '\r', 5],
        ['d', '', 7],
      ],
    );
    assert.equal(lines.map((l) => l.text + l.eol).join(''), text);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(
      splitLines('x\n').map((l) => l.text),
      ['x'],
    );
  });
});

describe('scanBlocks', () => {
  test('finds a table among the blocks that hide one', () => {
    const text = ['<!--', TABLE, '-->', '', '```', TABLE, '```', '', '    | a | b |', '    |---|---|', '', TABLE].join('\n');
    assert.deepEqual(blocks(text), ['HTML block 0-6', 'fenced code block 7-13', 'indented code block 14-16', 'table 17-20']);
  });

  test('a fence runs to a closing run at least as long, of the same character, or to the end', () => {
    assert.deepEqual(blocks(`~~~~\n${TABLE}~~~\n\`\`\`\`\n~~~~~\n`), ['fenced code block 0-7']);
    assert.deepEqual(blocks(`   \`\`\`\n${TABLE}`), ['fenced code block 0-4']);
    assert.deepEqual(blocks(`    \`\`\`\n${TABLE}`), ['indented code block 0-1', 'table 1-4']);
    assert.deepEqual(blocks(`\`\`\` a\`b\n${TABLE}`), ['paragraph 0-1', 'table 1-4']);
  });

  test('an indented line after a paragraph continues it; after a blank line it is code', () => {
    assert.deepEqual(blocks('text\n    more\n\n    code\n'), ['paragraph 0-2', 'indented code block 3-4']);
  });

  test('an HTML block ends at its end marker, or at a blank line for block tags and lone tags', () => {
    assert.deepEqual(blocks(`<div>\n${TABLE}\n${TABLE}`), ['HTML block 0-4', 'table 5-8']);
    assert.deepEqual(blocks(`<!-- x\n\n${TABLE}-->\n${TABLE}`), ['HTML block 0-6', 'table 6-9']);
    assert.deepEqual(blocks(`<custom-tag>\n${TABLE}\n${TABLE}`), ['HTML block 0-4', 'table 5-8']);
    assert.deepEqual(blocks(`<? x ?>\n<![CDATA[\n]]>\n<!DOCTYPE html>\n<pre>\n\n</pre>\n`), ['HTML block 0-1', 'HTML block 1-3', 'HTML block 3-4', 'HTML block 4-7']);
    // A lone tag cannot interrupt a paragraph: it is paragraph text, and the table below still interrupts it.
    assert.deepEqual(blocks(`text\n<span>\n${TABLE}`), ['paragraph 0-2', 'table 2-5']);
  });

  test('a table in a block quote or a list item is inside that container', () => {
    assert.deepEqual(blocks(`> ${TABLE.replaceAll('\n|', '\n> |')}`), ['blockquote 0-3', '> table 0-3']);
    assert.deepEqual(blocks(`- x\n\n  ${TABLE.replaceAll('\n|', '\n  |')}`), ['list 0-5', '> paragraph 0-1', '> table 2-5']);
  });

  test('containers nested past the limit swallow their lines instead of overflowing the stack', () => {
    const text = `${'>'.repeat(20_000)} ${TABLE}`;
    assert.equal(blocks(text).filter((b) => b.endsWith('table 0-3')).length, 0);
  });

  test('agrees with markdown-it on every block of generated documents', () => {
    fc.assert(
      fc.property(registryDocumentArbitrary, (text) => {
        assert.deepEqual(blocks(text), oracle(text));
      }),
      { numRuns: 500 },
    );
  });
});

// Where markdown-it reads a table otherwise than GitHub's cmark-gfm, the scanner reads it as
// GitHub does (each case checked against cmark-gfm 0.29.0.gfm.6); markdown-it's reading is shown
// beside it, so the difference is on record.
describe('tables as GitHub reads them', () => {
  const cases: readonly (readonly [string, string, readonly string[], readonly string[]])[] = [
    ['a header row that starts a heading is the heading', '# | a | b\n-|-|-\n', ['heading 0-1', 'paragraph 1-2'], ['table 0-2']],
    ['a dash line under a one-column header is a setext underline', '| a |\n---\n', ['heading 0-2'], ['table 0-2']],
    ['a header row needs no pipe', 'abc\n|---|\nx\n', ['table 0-3'], ['paragraph 0-3']],
    ['a tag on its own line ends a table', `${TABLE}<span>\n`, ['table 0-3', 'HTML block 3-4'], ['table 0-4']],
    ['a lone pipe ends a table', `${TABLE}|\n`, ['table 0-3', 'paragraph 3-4'], ['table 0-4']],
    ['an indented paragraph line can be the header', 'text\n     a | b\n---|---\n', ['paragraph 0-1', 'table 1-3'], ['paragraph 0-3']],
    ['a list item that cannot interrupt a paragraph can be the header', 'p\n2. a | b\n-|-\n', ['paragraph 0-1', 'table 1-3'], ['paragraph 0-1', 'table 1-3']],
    ['a lazy line of a quote can be the header', '> p\n| a | b |\n> |---|---|\n', ['blockquote 0-3', '> paragraph 0-1', '> table 1-3'], ['blockquote 0-3', '> paragraph 0-3']],
    ['a lazy line of a list item can be the header', '- a\nX|Y\n  -|-\n', ['list 0-3', '> paragraph 0-1', '> table 1-3'], ['list 0-1', '> paragraph 0-1', 'table 1-3']],
    ['a byte order mark is not content', '\uFEFF```\n| a | b |\n|-|-|\n```\n', ['fenced code block 0-4'], ['paragraph 0-1', 'table 1-3', 'fenced code block 3-4']],
    ['a lone CR ends a line', '| a | b |\r|-|-|\r| c | d |\r', ['table 0-3'], ['table 0-3']],
  ];
  for (const [name, text, github, markdownIt] of cases) {
    test(name, () => {
      assert.deepEqual(blocks(text), github);
      assert.deepEqual(oracle(text), markdownIt);
    });
  }
});
