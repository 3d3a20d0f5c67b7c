import { RacetrackError } from '../errors.ts';
import type { BlockKind, MarkdownBlock } from './markdown/block-state.ts';
import type { Line } from './markdown/lines.ts';
import { delimiterWidth, rowWidth } from './markdown/table.ts';
import { missingColumns, REQUIRED_COLUMNS } from './columns.ts';
import { parseRow } from './table-row.ts';

// Why a file has no registry table, in the words a person editing it needs: the table with the
// registry's columns that is there but not the registry (commented out, in a code or HTML block,
// inside a quote or a list), or else the nearest table's missing columns.

/** A table with Domain, Batch and Status that Markdown does not show as a table of the document. */
interface Unrendered {
  /** 0-based line of its header. */
  readonly line: number;
  /** The top-level block it is part of. */
  readonly block: MarkdownBlock;
}

function namesRegistryColumns(content: string): boolean {
  return missingColumns(parseRow(content, '', 0)).length === 0;
}

/** The first such table: a rendered one inside a container, or lines that would make one. */
function firstUnrendered(lines: readonly Line[], blocks: readonly MarkdownBlock[]): Unrendered | null {
  const outer = (line: number) => blocks.find((b) => b.depth === 0 && b.start <= line && line < b.end);
  const nested = blocks.find((b) => b.kind === 'table' && b.depth > 0 && namesRegistryColumns(lines[b.start]!.text.slice(b.column)));
  let found: Unrendered | null = nested === undefined ? null : { line: nested.start, block: outer(nested.start)! };
  for (let i = 0; i + 1 < lines.length && (found === null || i < found.line); i++) {
    const header = lines[i]!.text.trimStart();
    const width = delimiterWidth(lines[i + 1]!.text.trimStart());
    if (width === 0 || rowWidth(header) !== width || !namesRegistryColumns(header)) continue;
    const block = outer(i);
    if (block !== undefined) found = { line: i, block };
  }
  return found;
}

function described(kind: BlockKind): string {
  return `${/^[aeiouH]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/**
 * The EINVALID error for a file without a registry table. `nearest` is the missing columns of the
 * first top-level table that names some of them, or null.
 */
export function registryNotFound(lines: readonly Line[], blocks: readonly MarkdownBlock[], nearest: readonly string[] | null): RacetrackError {
  const required = [...REQUIRED_COLUMNS];
  const found = firstUnrendered(lines, blocks);
  if (found !== null) {
    const { kind, start } = found.block;
    const why = kind === 'blockquote' || kind === 'list' ? 'the registry must be a table of the document itself, outside quotes and lists' : 'which Markdown does not render as a table';
    return new RacetrackError(
      'EINVALID',
      `no registry table with Domain, Batch and Status columns: the one at line ${found.line + 1} is inside ${described(kind)} that starts at line ${start + 1}, ${why}`,
      { required, found: { line: found.line + 1, inside: kind, from: start + 1 } },
    );
  }
  const detail = nearest === null ? 'no Markdown table names them' : `the nearest table lacks ${nearest.join(', ')}`;
  return new RacetrackError('EINVALID', `no registry table with Domain, Batch and Status columns: ${detail}`, {
    required,
    ...(nearest === null ? {} : { missing: [...nearest] }),
  });
}
