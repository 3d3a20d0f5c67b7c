import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { detectStrace, type StraceInfo } from '../../../harness/strace/detect.ts';

/** test/fixtures/lock-idioms/ of this repository, from the source or from dist/test/. */
export function lockIdiomsDir(): string {
  for (const up of ['../../fixtures/lock-idioms/', '../../../../test/fixtures/lock-idioms/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'flock-exit.sh'))) return dir;
  }
  throw new Error(`test/fixtures/lock-idioms/ not found above ${fileURLToPath(import.meta.url)}`);
}

/** The python3 interpreter itself (not a version manager's shim), or null. */
export const python: string | null = (() => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
})();

/** strace, or the test skipped when this machine has none. */
export function needStrace(t: TestContext): StraceInfo | null {
  const info = detectStrace();
  if (info === null) t.skip('strace is not installed (apt-get install strace)');
  return info;
}
