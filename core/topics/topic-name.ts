import { RacetrackError } from '../errors.ts';

/**
 * The longest topic name accepted, in UTF-8 bytes. A directory entry may hold 255 bytes and the
 * allocator prefixes the name with `NNN_` (and the number may grow), so this leaves room for it.
 */
export const MAX_TOPIC_NAME_BYTES = 200;

// C0 controls and DEL: a newline or NUL in a directory name breaks every line-oriented consumer
// (the `NNN|path` simple output, shell loops over `ls`), and NUL cannot be passed to the kernel.
const CONTROL = /[\u0000-\u001f\u007f]/;
// A lone surrogate cannot be encoded as UTF-8: the kernel would get U+FFFD and the directory
// created would not be the path we return.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const encoder = new TextEncoder();

function reject(name: unknown, reason: string): never {
  throw new RacetrackError('EINVALID', `invalid topic name ${JSON.stringify(name)}: ${reason}`, { name, reason });
}

/**
 * Checks that `name` can be the `<name>` in `<root>/NNN_<name>` without leaving `root` or
 * confusing a consumer, and returns it unchanged. Nothing is ever rewritten (no spaces to `_`, no
 * case folding): a caller that wants a slug makes it first, so the directory created is always
 * exactly the one asked for.
 *
 * Rejected with EINVALID: a non-string; the empty string; `.` and `..`; any `..` at all; `/` and
 * `\` (separators on POSIX and Windows); `|` (the separator of the `simple` output format); NUL
 * and other control characters; lone UTF-16 surrogates; more than {@link MAX_TOPIC_NAME_BYTES}
 * UTF-8 bytes.
 */
export function validateTopicName(name: unknown): string {
  if (typeof name !== 'string') return reject(name, 'must be a string');
  if (name.length === 0) return reject(name, 'must not be empty');
  if (name === '.' || name.includes('..')) return reject(name, 'must not be "." or contain ".."');
  if (name.includes('/') || name.includes('\\')) return reject(name, 'must not contain a path separator');
  if (name.includes('|')) return reject(name, 'must not contain "|" (the simple output separator)');
  if (CONTROL.test(name)) return reject(name, 'must not contain NUL or control characters');
  if (LONE_SURROGATE.test(name)) return reject(name, 'must be well-formed Unicode');
  if (encoder.encode(name).length > MAX_TOPIC_NAME_BYTES) {
    return reject(name, `must be at most ${MAX_TOPIC_NAME_BYTES} UTF-8 bytes`);
  }
  return name;
}
