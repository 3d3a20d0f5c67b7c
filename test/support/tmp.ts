import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory; `cleanup()` removes it. */
export function tempDir(prefix = 'racetrack-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs `fn` in a fresh temporary directory now, and removes the directory afterwards. */
export async function withTempDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = tempDir();
  try {
    return await fn(dir.path);
  } finally {
    dir.cleanup();
  }
}

/** A test body that runs `fn` in a fresh temporary directory and removes the directory afterwards. */
export function inTempDir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return () => withTempDir(fn).then(() => undefined);
}

/** The synchronous form of {@link inTempDir}, for test bodies that never await. */
export function inTempDirSync(fn: (dir: string) => void): () => void {
  return () => {
    const dir = tempDir();
    try {
      fn(dir.path);
    } finally {
      dir.cleanup();
    }
  };
}
