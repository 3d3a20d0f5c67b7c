import { renameSync, writeFileSync } from 'node:fs';

/**
 * Puts `text` at the lock path `path` the way another holder's lock would arrive there: as a new
 * file renamed into place (a lock file's own content is never rewritten), replacing what was there.
 */
export function replaceLockFile(path: string, text: string): void {
  writeFileSync(`${path}.planted`, text);
  renameSync(`${path}.planted`, path);
}
