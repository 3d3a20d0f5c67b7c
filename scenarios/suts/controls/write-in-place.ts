// Known-broken control: the "dangerous direct write" of the atomic-write spec (`echo "$state" > STATE.md`). The
// target is truncated and then written, so a reader — or a crash — in between sees a torn file.
import { defaultDeps, type Deps } from '../../../core/deps.ts';

export function writeInPlace(file: string, data: Uint8Array, deps: Deps = defaultDeps()): void {
  const fd = deps.fs.openTruncate(file);
  try {
    deps.fs.write(fd, data);
  } finally {
    deps.fs.close(fd);
  }
}
