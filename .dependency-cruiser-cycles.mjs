// The second pass of racetrack's import rule (the first is .dependency-cruiser.mjs): no import cycle
// between two folders, at any depth, judged on the imports that run. A folder counts with its
// subfolders. Type-only imports are left out of this graph (no tsPreCompilationDeps): they may point
// back up the layers where the first pass allows it (scenarios/ and reports/ to harness/ types).
import layers from './.dependency-cruiser.mjs';

export default {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'No two folders import each other, directly or round a longer cycle (harness/engine and harness/cli, core/write and core/registry).',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: { ...layers.options, tsPreCompilationDeps: false },
};
