import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { pidSpaceTag, type Identity } from '../runtime.ts';

// A temp file's name says who wrote it and what it must contain:
//   <file>.tmp.<pid space tag>.<pid>.<threadId>.<nonce>.<size>-<digest>
// pid + threadId + a random nonce make it unique per writer (a pid-only name collides between
// worker threads of one process). The PID space tag (12 hex digits, or `x` when the writer could
// not tell its own) says where the pid means something: a pid from a container sharing the
// volume, or from before a reboot, names another process here or none, so recovery trusts a
// writer's pid only when the tag is the same as its own. The size and digest say whether the temp
// is complete (recovery reports it, and never publishes a temp all the same): the writer knows the
// bytes before it creates the temp, so the proof can sit in the name rather than in the file,
// whose bytes must be exactly the caller's.

/** What a temp name tells about its writer and its expected content. */
export interface TempName {
  readonly path: string;
  readonly target: string;
  /**
   * The writer's PID space (see core/runtime.ts `pidSpaceTag`); null when the writer did not know
   * it (`x`) or the name predates tags (an older racetrack, the atomic-write spec's `<file>.tmp.<pid>`).
   */
  readonly pidSpaceTag: string | null;
  readonly pid: number;
  readonly threadId: number;
  readonly nonce: string;
  /** Expected size and digest; null for a temp that carries no proof (e.g. written by another tool). */
  readonly size: number | null;
  readonly digest: string | null;
}

/** Who writes a temp: the fields of an Identity its name records. */
export type TempWriter = Pick<Identity, 'pid' | 'threadId' | 'pidSpace'>;

/** How many bytes of nonce a writer puts in a temp name (as hex: twice as many digits). */
export const TEMP_NONCE_BYTES = 4;

/**
 * The most bytes a temp name adds to its target's name: `.tmp.` 5, the tag 12, a dot each before
 * pid, threadId, nonce and size 4, pid and threadId at most 10 digits each (32 bits), the nonce
 * 8, the size at most 16 digits (2^53), `-` and the digest 17. A target name longer than
 * NAME_MAX (255) minus this cannot have a temp beside it.
 */
export const TEMP_NAME_MAX_SUFFIX_BYTES = 5 + 12 + 4 + 10 + 10 + 2 * TEMP_NONCE_BYTES + 16 + 17;

/** The first 16 hex digits of the SHA-256 of `data`. */
export function contentDigest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** The temp name `writer` gives its write of `data` over `target`. */
export function formatTempName(target: string, writer: TempWriter, nonce: string, data: Uint8Array): string {
  const tag = pidSpaceTag(writer.pidSpace) ?? 'x';
  return `${target}.tmp.${tag}.${writer.pid}.${writer.threadId}.${nonce}.${data.length}-${contentDigest(data)}`;
}

const TAGGED = /^\.tmp\.([0-9a-f]{12}|x)\.(\d+)\.(\d+)\.([0-9a-z]+)\.(\d+)-([0-9a-f]{16})$/;
// Names an older racetrack wrote, before temps carried a PID space tag.
const UNTAGGED = /^\.tmp\.(\d+)\.(\d+)\.([0-9a-z]+)(?:\.(\d+)-([0-9a-f]{16}))?$/;
const SEED = /^\.tmp\.(\d+)$/;

/**
 * Parses a directory entry as a temp of `target`; null if it is not one. Accepts untagged names
 * (older racetrack) and the atomic-write spec's `<file>.tmp.<pid>` too, whose writers' PID space is unknown.
 */
export function parseTempName(target: string, entry: string): TempName | null {
  const base = basename(target);
  if (!entry.startsWith(`${base}.tmp.`)) return null;
  const rest = entry.slice(base.length);
  const path = join(dirname(target), entry);
  const tagged = TAGGED.exec(rest);
  if (tagged !== null) {
    const tag = tagged[1]!;
    return { path, target, pidSpaceTag: tag === 'x' ? null : tag, pid: Number(tagged[2]), threadId: Number(tagged[3]), nonce: tagged[4]!, size: Number(tagged[5]), digest: tagged[6]! };
  }
  const untagged = UNTAGGED.exec(rest);
  if (untagged !== null) {
    const size = untagged[4] === undefined ? null : Number(untagged[4]);
    return { path, target, pidSpaceTag: null, pid: Number(untagged[1]), threadId: Number(untagged[2]), nonce: untagged[3]!, size, digest: untagged[5] ?? null };
  }
  const seed = SEED.exec(rest);
  if (seed !== null) return { path, target, pidSpaceTag: null, pid: Number(seed[1]), threadId: 0, nonce: '', size: null, digest: null };
  return { path, target, pidSpaceTag: null, pid: 0, threadId: 0, nonce: rest.slice(5), size: null, digest: null };
}

/** Whether `data` is exactly what the temp's name promises. A temp without a proof never passes. */
export function provesComplete(name: TempName, data: Uint8Array): boolean {
  return name.size !== null && name.digest !== null && data.length === name.size && contentDigest(data) === name.digest;
}
