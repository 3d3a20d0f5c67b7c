// What a simulated disk holds: inodes by number, directories mapping names to inode numbers. One
// image is the live (page-cache) view the running processes see; another is what is durable; a
// crash state is the durable image with some of the not-yet-durable operations applied.

/** A file's permission bits and owner. */
export interface SimMeta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** What a new file gets: 0644, owned by root (the simulated disk has one user). */
export const DEFAULT_META: SimMeta = { mode: 0o644, uid: 0, gid: 0 };

export interface SimFile {
  readonly kind: 'file';
  /** Never mutated in place: every change makes a new array, so images can share them. */
  data: Uint8Array;
  mtimeMs: number;
  meta: SimMeta;
}

export interface SimDir {
  readonly kind: 'dir';
  readonly entries: Map<string, number>;
  mtimeMs: number;
}

export type SimNode = SimFile | SimDir;

/** Inode number → inode. Inode {@link ROOT_INO} is `/`. */
export type SimImage = Map<number, SimNode>;

export const ROOT_INO = 1;

/** An image holding only an empty `/`. */
export function emptyImage(mtimeMs = 0): SimImage {
  return new Map<number, SimNode>([[ROOT_INO, { kind: 'dir', entries: new Map(), mtimeMs }]]);
}

/** A copy that shares file contents (immutable) but not directories or metadata. */
export function cloneImage(image: SimImage): SimImage {
  const out: SimImage = new Map();
  for (const [ino, node] of image) {
    out.set(ino, node.kind === 'file' ? { kind: 'file', data: node.data, mtimeMs: node.mtimeMs, meta: node.meta } : { kind: 'dir', entries: new Map(node.entries), mtimeMs: node.mtimeMs });
  }
  return out;
}

/**
 * One change to the disk, as the log records it (inode numbers resolved when it was made, so it
 * applies to any image without looking paths up again).
 * - `create`: a new, empty, unlinked inode (always kept: an inode nothing links to is invisible);
 * - `write`/`truncate`: file data, made durable by fsync of the file;
 * - `meta`: a file's mode and owner (fchmod, fchown), made durable by fsync of the file too;
 * - `link`/`unlink`/`rename`: directory entries, made durable by fsync of the directory (for a
 *   rename, of the target directory).
 */
export type DiskOp =
  | { readonly kind: 'create'; readonly ino: number; readonly node: 'file' | 'dir'; readonly mtimeMs: number }
  | { readonly kind: 'write'; readonly ino: number; readonly offset: number; readonly bytes: Uint8Array; readonly mtimeMs: number }
  | { readonly kind: 'truncate'; readonly ino: number; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'meta'; readonly ino: number; readonly meta: SimMeta }
  | { readonly kind: 'link'; readonly dir: number; readonly name: string; readonly ino: number; readonly mtimeMs: number }
  | { readonly kind: 'unlink'; readonly dir: number; readonly name: string; readonly mtimeMs: number }
  | { readonly kind: 'rename'; readonly fromDir: number; readonly fromName: string; readonly toDir: number; readonly toName: string; readonly ino: number; readonly mtimeMs: number };

/** How a write that was not yet durable may have landed: whole, its first half only, or as zeros (size grown, data not written). */
export type Tear = 'half' | 'zeros';

/** The durability key of an op: `file:<ino>` for data, `dir:<ino>` for entries, null for inode creation. */
export function opKey(op: DiskOp): string | null {
  switch (op.kind) {
    case 'create':
      return null;
    case 'write':
    case 'truncate':
    case 'meta':
      return `file:${op.ino}`;
    case 'link':
    case 'unlink':
      return `dir:${op.dir}`;
    case 'rename':
      return `dir:${op.toDir}`;
  }
}

function dirOf(image: SimImage, ino: number): SimDir | undefined {
  const node = image.get(ino);
  return node?.kind === 'dir' ? node : undefined;
}

function writeAt(data: Uint8Array, offset: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.max(data.length, offset + bytes.length));
  out.set(data);
  out.set(bytes, offset);
  return out;
}

/** Applies `op` to `image` in place; `tear` makes a write land torn. Ops on vanished inodes are no-ops. */
export function applyOp(image: SimImage, op: DiskOp, tear?: Tear): void {
  switch (op.kind) {
    case 'create':
      if (!image.has(op.ino))
        image.set(op.ino, op.node === 'file' ? { kind: 'file', data: new Uint8Array(), mtimeMs: op.mtimeMs, meta: DEFAULT_META } : { kind: 'dir', entries: new Map(), mtimeMs: op.mtimeMs });
      return;
    case 'write': {
      const node = image.get(op.ino);
      if (node?.kind !== 'file') return;
      const bytes = tear === 'half' ? op.bytes.subarray(0, Math.floor(op.bytes.length / 2)) : tear === 'zeros' ? new Uint8Array(op.bytes.length) : op.bytes;
      node.data = writeAt(node.data, op.offset, bytes);
      node.mtimeMs = op.mtimeMs;
      return;
    }
    case 'truncate': {
      const node = image.get(op.ino);
      if (node?.kind !== 'file') return;
      const out = new Uint8Array(op.size);
      out.set(node.data.subarray(0, op.size));
      node.data = out;
      node.mtimeMs = op.mtimeMs;
      return;
    }
    case 'meta': {
      const node = image.get(op.ino);
      if (node?.kind === 'file') node.meta = op.meta;
      return;
    }
    case 'link': {
      const dir = dirOf(image, op.dir);
      if (dir === undefined) return;
      dir.entries.set(op.name, op.ino);
      dir.mtimeMs = op.mtimeMs;
      return;
    }
    case 'unlink': {
      const dir = dirOf(image, op.dir);
      if (dir === undefined) return;
      dir.entries.delete(op.name);
      dir.mtimeMs = op.mtimeMs;
      return;
    }
    case 'rename': {
      const from = dirOf(image, op.fromDir);
      const to = dirOf(image, op.toDir);
      if (from !== undefined && from.entries.get(op.fromName) === op.ino) {
        from.entries.delete(op.fromName);
        from.mtimeMs = op.mtimeMs;
      }
      if (to !== undefined) {
        to.entries.set(op.toName, op.ino);
        to.mtimeMs = op.mtimeMs;
      }
      return;
    }
  }
}

/** What a path holds in an image, for printing and for deduplicating crash states. */
export interface ImageEntry {
  readonly path: string;
  readonly kind: 'file' | 'dir';
  readonly size: number;
  readonly mtimeMs: number;
  readonly data?: Uint8Array;
  /** A file's mode and owner. */
  readonly meta?: SimMeta;
}

/**
 * Every entry reachable from `/`, depth first, each directory before what it holds: its names
 * sorted, or (`order: 'made'`) in the order they were made, as a directory lists them.
 */
export function listImage(image: SimImage, order: 'sorted' | 'made' = 'sorted'): ImageEntry[] {
  const out: ImageEntry[] = [];
  const walk = (ino: number, prefix: string, seen: Set<number>) => {
    const dir = dirOf(image, ino);
    if (dir === undefined || seen.has(ino)) return;
    seen.add(ino);
    const names = [...dir.entries.keys()];
    for (const name of order === 'sorted' ? names.sort() : names) {
      const child = dir.entries.get(name)!;
      const node = image.get(child);
      if (node === undefined) continue;
      const path = `${prefix}/${name}`;
      if (node.kind === 'file') out.push({ path, kind: 'file', size: node.data.length, mtimeMs: node.mtimeMs, data: node.data, meta: node.meta });
      else {
        out.push({ path, kind: 'dir', size: 0, mtimeMs: node.mtimeMs });
        walk(child, path, seen);
      }
    }
  };
  walk(ROOT_INO, '', new Set());
  return out;
}

const latin1 = new TextDecoder('latin1');

/** A string that is equal for two images exactly when every reachable path, content and mtime is. */
export function imageSignature(image: SimImage): string {
  const meta = (m: SimMeta | undefined) => (m === undefined ? '' : `${m.mode}:${m.uid}:${m.gid}`);
  return listImage(image)
    .map((e) => `${e.path}\u0000${e.kind}\u0000${e.mtimeMs}\u0000${meta(e.meta)}\u0000${e.data === undefined ? '' : latin1.decode(e.data)}`)
    .join('\u0001');
}
