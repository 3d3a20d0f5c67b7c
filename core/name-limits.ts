import { basename } from 'node:path';
import { RacetrackError } from './errors.ts';

/** The most bytes one directory entry may hold (NAME_MAX on Linux and most file systems). */
export const NAME_MAX_BYTES = 255;

const encoder = new TextEncoder();

/**
 * Throws EINVALID, before anything is created, when `path`'s last component plus the longest
 * suffix racetrack appends to it (`suffixBytes`: a temp's or a lock record's own name) would not
 * fit in a directory entry. Without this the kernel answers ENAMETOOLONG half-way through an
 * operation, which reads as a disk error rather than the bad input it is. Also refuses a name
 * holding U+FFFD: that is what invalid UTF-8 (a Latin-1 name from a shell, say) decodes to, and
 * the file racetrack would then create or lock is not the one the caller named.
 */
export function checkNameFits(path: string, suffixBytes: number, what: string): void {
  const name = basename(path);
  if (name.includes('\ufffd')) {
    throw new RacetrackError('EINVALID', `${what} ${JSON.stringify(path)} is not valid UTF-8 (it holds U+FFFD); racetrack would create a differently named file`, { path, reason: 'not-utf8' });
  }
  const bytes = encoder.encode(name).length;
  const max = NAME_MAX_BYTES - suffixBytes;
  if (bytes > max) {
    throw new RacetrackError('EINVALID', `${what} name ${JSON.stringify(name)} is ${bytes} bytes; at most ${max} fit beside the ${suffixBytes}-byte names racetrack gives its temps and records`, {
      path,
      bytes,
      maxBytes: max,
      reason: 'name-too-long',
    });
  }
}
