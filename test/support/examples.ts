import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** scenarios/examples/ of this repository, from the test sources (test/x/) or from dist/test/x/. */
export function examplesDir(): string {
  for (const up of ['../../scenarios/examples/', '../../../scenarios/examples/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'write-atomic.sh'))) return dir;
  }
  throw new Error(`scenarios/examples/ not found above ${fileURLToPath(import.meta.url)}`);
}
