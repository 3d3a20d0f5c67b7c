import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every entry under `root`, relative and '/'-separated, directories with a trailing '/', sorted. */
export function listEntries(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const rel = `${prefix}${d.name}`;
      if (d.isDirectory()) {
        out.push(`${rel}/`);
        walk(join(dir, d.name), `${rel}/`);
      } else {
        out.push(rel);
      }
    }
  };
  walk(root, '');
  return out.sort();
}
