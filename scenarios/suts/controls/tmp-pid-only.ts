// Known-broken control: the atomic-write spec's `write_atomic`, whose temp is `<file>.tmp.$$`. Worker threads of
// one process share a pid, so they truncate and write the same temp at once, and a rename can
// publish a mix of two writers' bytes (or find the temp already renamed away).
import { dirname } from 'node:path';
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { currentIdentity } from '../../../core/runtime.ts';

export function writeTmpPidOnly(file: string, data: Uint8Array, deps: Deps = defaultDeps()): void {
  const temp = `${file}.tmp.${currentIdentity().pid}`; // the bug: unique per process, not per writer
  const fd = deps.fs.openTruncate(temp);
  try {
    deps.fs.write(fd, data);
    deps.fs.fsync(fd);
  } finally {
    deps.fs.close(fd);
  }
  deps.fs.rename(temp, file);
  deps.fs.fsyncDir(dirname(file));
}
