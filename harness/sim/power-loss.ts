import { seededRandom } from '../stats/prng.ts';
import type { LoggedOp } from './sim-disk.ts';
import { applyOp, cloneImage, ROOT_INO, type SimImage, type Tear } from './sim-image.ts';

/**
 * The power-loss model, stated once so the CLI and the docs can print it. Adversarial, stricter
 * than ext4's data=ordered (which journals metadata in order and flushes data before the rename
 * that publishes it), so whatever survives it survives ext4, xfs and btrfs too.
 */
export const POWER_LOSS_MODEL =
  'power loss at every fs call: durable = data made durable by fsync(file), directory entries (create, link, rename into, unlink) made durable by fsyncDir(dir); ' +
  'every other change is pending. Each file and each directory independently keeps a prefix (in call order) of its pending changes, anything from none to all; ' +
  'the last kept pending write of a file may also land torn (its first half only) or as zeros (size grown, data not written). ' +
  'All crash states are explored when there are at most maxStates per instant; otherwise maxStates of them, drawn with the seed, always including none-kept and all-kept.';

/** What one file's or directory's pending changes did at the crash: the first `keep` survived, the last of them possibly torn. */
export interface PendingChoice {
  readonly key: string;
  readonly keep: number;
  readonly tear?: Tear;
}

/** The crash states of one instant: the choices to explore, and how many there were in all. */
export interface InstantPlan {
  readonly instant: number;
  /** Pending changes per key, in call order. */
  readonly pending: ReadonlyMap<string, readonly LoggedOp[]>;
  readonly states: readonly (readonly PendingChoice[])[];
  /** Every crash state of this instant; more than `states.length` when sampled. */
  readonly total: number;
}

function happened(e: LoggedOp, instant: number): boolean {
  return e.call < instant;
}

function durable(e: LoggedOp, instant: number): boolean {
  return e.durableAt !== null && e.durableAt < instant;
}

/** The changes made before `instant` (calls completed) that no sync before it made durable, by key. */
export function pendingAt(log: readonly LoggedOp[], instant: number): Map<string, LoggedOp[]> {
  const out = new Map<string, LoggedOp[]>();
  for (const e of log) {
    if (e.key === null || !happened(e, instant) || durable(e, instant)) continue;
    const list = out.get(e.key) ?? [];
    list.push(e);
    out.set(e.key, list);
  }
  return out;
}

function optionsFor(key: string, ops: readonly LoggedOp[]): PendingChoice[] {
  const out: PendingChoice[] = [{ key, keep: 0 }];
  ops.forEach((e, i) => {
    out.push({ key, keep: i + 1 });
    if (e.op.kind === 'write') {
      if (e.op.bytes.length >= 2) out.push({ key, keep: i + 1, tear: 'half' });
      out.push({ key, keep: i + 1, tear: 'zeros' });
    }
  });
  return out;
}

/**
 * The inodes some crash state at `instant` can reach: those in a directory of the durable image,
 * and those a pending link or rename names. The pending data of any other file (a lock file whose
 * removal is durable, say) cannot be seen in any state, so its choices are not multiplied in.
 */
function reachableInodes(base: SimImage, log: readonly LoggedOp[], instant: number): Set<number> {
  const image = cloneImage(base);
  const out = new Set<number>();
  for (const e of log) {
    if (!happened(e, instant)) break;
    if (e.key === null || durable(e, instant)) applyOp(image, e.op);
    else if (e.op.kind === 'link' || e.op.kind === 'rename') out.add(e.op.ino);
  }
  for (const node of image.values()) if (node.kind === 'dir') for (const ino of node.entries.values()) out.add(ino);
  return out;
}

/** The inodes reachable from `/` in `image`. */
function reachable(image: SimImage): Set<number> {
  const out = new Set<number>([ROOT_INO]);
  const walk = (ino: number) => {
    const node = image.get(ino);
    if (node?.kind !== 'dir') return;
    for (const child of node.entries.values()) {
      if (out.has(child)) continue;
      out.add(child);
      walk(child);
    }
  };
  walk(ROOT_INO);
  return out;
}

function product(options: readonly (readonly PendingChoice[])[]): PendingChoice[][] {
  let out: PendingChoice[][] = [[]];
  for (const o of options) out = out.flatMap((prefix) => o.map((c) => [...prefix, c]));
  return out;
}

function productSize(options: readonly (readonly PendingChoice[])[]): number {
  return options.reduce((n, o) => n * o.length, 1);
}

/**
 * Which crash states to explore at `instant`: all of them, or `maxStates` drawn with `seed`.
 *
 * Directory choices are enumerated first; for each, only the files that state can reach get their
 * data choices multiplied in (the pending data of a lock file whose entry did not survive cannot
 * be seen, so varying it would only repeat a state). Without `base`, the plan holds the pending
 * changes only (for describing a state).
 */
export function planInstant(log: readonly LoggedOp[], instant: number, bounds: { maxStates: number; seed: number; base?: SimImage }): InstantPlan {
  const pending = pendingAt(log, instant);
  if (bounds.base === undefined) return { instant, pending, states: [], total: 0 };
  const base = bounds.base;
  const possible = reachableInodes(base, log, instant);
  const keys = [...pending.keys()].filter((k) => {
    const ino = Number(k.slice(k.indexOf(':') + 1));
    return ino === ROOT_INO || possible.has(ino);
  });
  const dirKeys = keys.filter((k) => k.startsWith('dir:'));
  const fileKeys = keys.filter((k) => k.startsWith('file:'));
  const perCombo = product(dirKeys.map((k) => optionsFor(k, pending.get(k)!))).map((dirs) => {
    const seen = reachable(crashImage(base, log, instant, dirs));
    return { dirs, files: fileKeys.filter((k) => seen.has(Number(k.slice(5)))).map((k) => optionsFor(k, pending.get(k)!)) };
  });
  const total = perCombo.reduce((n, c) => n + productSize(c.files), 0);
  const states: PendingChoice[][] = [];
  if (total <= bounds.maxStates) {
    for (const c of perCombo) for (const files of product(c.files)) states.push([...c.dirs, ...files]);
    return { instant, pending, states, total };
  }
  const next = seededRandom(bounds.seed, instant);
  const ids = new Set<string>();
  const add = (choice: PendingChoice[]) => {
    const id = choice.map((c) => `${c.key}=${c.keep}${c.tear ?? ''}`).join(',');
    if (ids.has(id)) return;
    ids.add(id);
    states.push(choice);
  };
  const none = perCombo[0]!;
  const all = perCombo[perCombo.length - 1]!;
  add([...none.dirs, ...none.files.map((o) => o[0]!)]);
  add([...all.dirs, ...all.files.map((o) => o.filter((c) => c.tear === undefined).at(-1)!)]);
  for (let tries = 0; states.length < bounds.maxStates && tries < bounds.maxStates * 4; tries++) {
    const c = perCombo[Math.floor(next() * perCombo.length)]!;
    add([...c.dirs, ...c.files.map((o) => o[Math.floor(next() * o.length)]!)]);
  }
  return { instant, pending, states, total };
}

/** The disk as a power loss at `instant` leaves it, with `choices` saying which pending changes survived. */
export function crashImage(base: SimImage, log: readonly LoggedOp[], instant: number, choices: readonly PendingChoice[]): SimImage {
  const image = cloneImage(base);
  const byKey = new Map(choices.map((c) => [c.key, c]));
  const seenPerKey = new Map<string, number>();
  for (const e of log) {
    if (!happened(e, instant)) break;
    if (e.key === null || durable(e, instant)) {
      applyOp(image, e.op);
      continue;
    }
    const index = seenPerKey.get(e.key) ?? 0;
    seenPerKey.set(e.key, index + 1);
    const choice = byKey.get(e.key);
    if (choice === undefined || index >= choice.keep) continue;
    applyOp(image, e.op, index === choice.keep - 1 ? choice.tear : undefined);
  }
  return image;
}

/** A path for every inode the base or the log ever named (its first name), for printing changes. */
export function inodePaths(base: SimImage, log: readonly LoggedOp[]): Map<number, string> {
  const paths = new Map<number, string>([[ROOT_INO, '/']]);
  const visit = (ino: number, prefix: string) => {
    const node = base.get(ino);
    if (node?.kind !== 'dir') return;
    for (const [n, child] of node.entries) {
      paths.set(child, `${prefix}/${n}`);
      visit(child, `${prefix}/${n}`);
    }
  };
  visit(ROOT_INO, '');
  const name = (dir: number, n: string) => `${dir === ROOT_INO ? '' : (paths.get(dir) ?? `inode ${dir}`)}/${n}`;
  for (const e of log) {
    const op = e.op;
    if (op.kind === 'link' && !paths.has(op.ino)) paths.set(op.ino, name(op.dir, op.name));
    if (op.kind === 'rename' && !paths.has(op.ino)) paths.set(op.ino, name(op.toDir, op.toName));
  }
  return paths;
}

/** One line for a human: what a pending change was. */
export function describeDiskChange(e: LoggedOp, paths: ReadonlyMap<number, string>, root = ''): string {
  const rel = (p: string | undefined) => (p === undefined ? '?' : root !== '' && p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);
  const dirName = (dir: number, n: string) => rel(`${dir === ROOT_INO ? '' : (paths.get(dir) ?? `inode ${dir}`)}/${n}`);
  const op = e.op;
  switch (op.kind) {
    case 'create':
      return `call ${e.call}: create inode ${op.ino}`;
    case 'write':
      return `call ${e.call}: write ${op.bytes.length} bytes at ${op.offset} to ${rel(paths.get(op.ino))}`;
    case 'truncate':
      return `call ${e.call}: truncate ${rel(paths.get(op.ino))} to ${op.size}`;
    case 'meta':
      return `call ${e.call}: set mode ${op.meta.mode.toString(8)} and owner ${op.meta.uid}:${op.meta.gid} of ${rel(paths.get(op.ino))}`;
    case 'link':
      return `call ${e.call}: create entry ${dirName(op.dir, op.name)}`;
    case 'unlink':
      return `call ${e.call}: remove entry ${dirName(op.dir, op.name)}`;
    case 'rename':
      return `call ${e.call}: rename ${dirName(op.fromDir, op.fromName)} -> ${dirName(op.toDir, op.toName)}`;
  }
}
