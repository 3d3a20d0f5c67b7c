// Known-broken control: temp + rename with no fsync of the file or the directory. Every reader
// sees whole files, so no concurrency test can tell it from the core; but after a power loss the
// rename may survive while the data it points to does not (an empty or lost file).
import { defaultDeps, type Deps } from '../../../core/deps.ts';
import { currentIdentity } from '../../../core/runtime.ts';

export function writeRenameNoFsync(file: string, data: Uint8Array, deps: Deps = defaultDeps()): void {
  const me = currentIdentity();
  const temp = `${file}.tmp.${me.pid}.${me.threadId}.${deps.random.hex(4)}`;
  const fd = deps.fs.openExclusive(temp);
  try {
    deps.fs.write(fd, data); // the bug: no fsync(fd) before the rename...
  } finally {
    deps.fs.close(fd);
  }
  deps.fs.rename(temp, file); // ...and no fsync of the directory after it
}
