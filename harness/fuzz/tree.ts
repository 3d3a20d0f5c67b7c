import type { FsFacade } from '../../core/fs-facade.ts';

/** One entry under a fuzz root as found after a crash or after recovery. */
export interface TreeEntry {
  /** Relative to the root, '/'-separated; directories end with '/'. */
  readonly path: string;
  readonly size: number;
  /** The first bytes of a file, for the printed case. */
  readonly preview?: string;
}

const decoder = new TextDecoder();

/** Every entry under `root`, through the facade (so it reads the simulated disk too), sorted. */
export function listTree(fs: FsFacade, root: string, previewBytes = 48): TreeEntry[] {
  const out: TreeEntry[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of fs.readdir(dir).sort()) {
      const path = `${dir}/${name}`;
      const stat = fs.lstat(path);
      if (stat.isDirectory) {
        out.push({ path: `${prefix}${name}/`, size: 0 });
        walk(path, `${prefix}${name}/`);
      } else {
        let preview: string | undefined;
        try {
          const bytes = fs.readFile(path);
          preview = decoder.decode(bytes.subarray(0, previewBytes)) + (bytes.length > previewBytes ? '…' : '');
        } catch {
          preview = undefined;
        }
        out.push({ path: `${prefix}${name}`, size: stat.size, ...(preview === undefined ? {} : { preview }) });
      }
    }
  };
  try {
    walk(root, '');
  } catch {
    // A root the crash left unreadable shows as empty; the checks say why.
  }
  return out;
}

/** `STATE.md (12 B) "v1|abc…"`, one entry per string. */
export function formatTree(entries: readonly TreeEntry[]): string[] {
  return entries.map((e) => (e.path.endsWith('/') ? e.path : `${e.path} (${e.size} B)${e.preview === undefined ? '' : ` ${JSON.stringify(e.preview)}`}`));
}

/** The names in `dir` (through the facade), sorted; [] if it cannot be read. */
export function namesIn(fs: FsFacade, dir: string): string[] {
  try {
    return fs.readdir(dir).sort();
  } catch {
    return [];
  }
}

/** A file's bytes, or null when it does not exist (or cannot be read). */
export function readOrNull(fs: FsFacade, path: string): Uint8Array | null {
  try {
    return fs.readFile(path);
  } catch {
    return null;
  }
}

/** Describes bytes for a violation message: `12 bytes "v1|abc…"` or `missing`. */
export function showBytes(bytes: Uint8Array | null, max = 40): string {
  if (bytes === null) return 'missing';
  const text = decoder.decode(bytes.subarray(0, max));
  return `${bytes.length} bytes ${JSON.stringify(text + (bytes.length > max ? '…' : ''))}`;
}

/** The message of anything thrown, with its code when it has one. */
export function describeError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
