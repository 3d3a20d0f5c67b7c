import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

// A temp file's name says who wrote it and what it must contain:
//   <file>.tmp.<pid>.<threadId>.<nonce>.<size>-<digest>
// pid + threadId + a random nonce make it unique per writer (a pid-only name collides between
// worker threads of one process). The size and digest are the proof of completeness that recovery
// needs before it may promote a temp: the target must end up holding exactly the caller's bytes,
// so the proof cannot live inside the file, and the writer knows the bytes before it creates the
// temp, so it can put the proof in the name.

/** What a temp name tells about its writer and its expected content. */
export interface TempName {
  readonly path: string;
  readonly target: string;
  readonly pid: number;
  readonly threadId: number;
  readonly nonce: string;
  /** Expected size and digest; null for a temp that carries no proof (e.g. written by another tool). */
  readonly size: number | null;
  readonly digest: string | null;
}

/** The first 16 hex digits of the SHA-256 of `data`. */
export function contentDigest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

export function formatTempName(target: string, pid: number, threadId: number, nonce: string, data: Uint8Array): string {
  return `${target}.tmp.${pid}.${threadId}.${nonce}.${data.length}-${contentDigest(data)}`;
}

const PATTERN = /^\.tmp\.(\d+)\.(\d+)\.([0-9a-z]+)(?:\.(\d+)-([0-9a-f]{16}))?$/;

/** Parses a directory entry as a temp of `target`; null if it is not one. Accepts the seed's `<file>.tmp.<pid>` too. */
export function parseTempName(target: string, entry: string): TempName | null {
  const base = basename(target);
  if (!entry.startsWith(`${base}.tmp.`)) return null;
  const rest = entry.slice(base.length);
  const path = join(dirname(target), entry);
  const m = PATTERN.exec(rest);
  if (m === null) {
    const seed = /^\.tmp\.(\d+)$/.exec(rest);
    if (seed === null) return { path, target, pid: 0, threadId: 0, nonce: rest.slice(5), size: null, digest: null };
    return { path, target, pid: Number(seed[1]), threadId: 0, nonce: '', size: null, digest: null };
  }
  return {
    path,
    target,
    pid: Number(m[1]),
    threadId: Number(m[2]),
    nonce: m[3]!,
    size: m[4] === undefined ? null : Number(m[4]),
    digest: m[5] ?? null,
  };
}

/** Whether `data` is exactly what the temp's name promises. A temp without a proof never passes. */
export function provesComplete(name: TempName, data: Uint8Array): boolean {
  return name.size !== null && name.digest !== null && data.length === name.size && contentDigest(data) === name.digest;
}
