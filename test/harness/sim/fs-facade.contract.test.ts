import { createRealFs } from '../../../core/fs-facade.ts';
import { createCrashFs } from '../../../harness/sim/crash-fs.ts';
import { SimDisk } from '../../../harness/sim/sim-disk.ts';
import { createVirtualClock } from '../../../harness/sim/virtual-clock.ts';
import { fsFacadeContract } from '../../contracts/fs-facade.contract.ts';
import { registerContract } from '../../support/contract.ts';
import { tempDir } from '../../support/tmp.ts';

registerContract(
  'fs facade contract: real fs',
  fsFacadeContract(() => {
    const dir = tempDir();
    return { fs: createRealFs(), root: dir.path, cleanup: dir.cleanup };
  }),
);

registerContract(
  'fs facade contract: crash-injecting fs with no crash scheduled',
  fsFacadeContract(() => {
    const dir = tempDir();
    return { fs: createCrashFs(createRealFs(), null).fs, root: dir.path, cleanup: dir.cleanup };
  }),
);

registerContract(
  'fs facade contract: simulated disk',
  fsFacadeContract(() => {
    const clock = createVirtualClock(Date.UTC(2026, 0, 1));
    const disk = new SimDisk(() => clock.now());
    disk.facade().mkdir('/t');
    return { fs: disk.facade(), root: '/t', cleanup: () => {} };
  }),
);

registerContract(
  'fs facade contract: crash-injecting fs over the simulated disk',
  fsFacadeContract(() => {
    const disk = new SimDisk();
    disk.facade().mkdir('/t');
    return { fs: createCrashFs(disk.facade(), null).fs, root: '/t', cleanup: () => {} };
  }),
);
