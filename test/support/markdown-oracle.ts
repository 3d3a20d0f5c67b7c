// markdown-it (CommonMark with GFM tables) as an oracle for racetrack's own block scanner: which
// blocks a document has, where, and which table is the registry. Tests only: core/ depends on no
// package.
import MarkdownIt from 'markdown-it';
import type { BlockKind } from '../../core/registry/markdown/block-state.ts';

const md = new MarkdownIt('default', { html: true });

const KINDS: Readonly<Record<string, BlockKind>> = {
  paragraph_open: 'paragraph',
  heading_open: 'heading',
  hr: 'thematic break',
  fence: 'fenced code block',
  code_block: 'indented code block',
  html_block: 'HTML block',
  table_open: 'table',
  blockquote_open: 'blockquote',
  bullet_list_open: 'list',
  ordered_list_open: 'list',
};

/** A block as markdown-it sees it: kind, 0-based line range, and whether it is the document's own. */
export interface OracleBlock {
  readonly kind: BlockKind;
  readonly start: number;
  readonly end: number;
  readonly topLevel: boolean;
}

/** Every block markdown-it finds in `text`, containers before their content, in file order. */
export function oracleBlocks(text: string): OracleBlock[] {
  return md.parse(text, {}).flatMap((t) => {
    const kind = KINDS[t.type];
    return kind === undefined || t.map === null ? [] : [{ kind, start: t.map[0], end: t.map[1], topLevel: t.level === 0 }];
  });
}

/**
 * The line range [start, end) of the first top-level table whose header cells name Domain, Batch
 * and Status (any case), or null when markdown-it renders none.
 */
export function oracleRegistryLines(text: string): [number, number] | null {
  const tokens = md.parse(text, {});
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i]!;
    if (open.type !== 'table_open' || open.level !== 0 || open.map === null) continue;
    const names = new Set<string>();
    for (let k = i + 1; tokens[k]!.type !== 'thead_close'; k++) if (tokens[k]!.type === 'inline') names.add(tokens[k]!.content.toLowerCase());
    if (['domain', 'batch', 'status'].every((c) => names.has(c))) return [open.map[0], open.map[1]];
  }
  return null;
}
