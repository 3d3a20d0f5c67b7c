// racetrack's import rule, checked by dependency-cruiser (`npm run check:imports`) in two passes
// over the same files. This one, on every import (type-only ones included, tsPreCompilationDeps),
// checks which folder may import which, and can tell `import type` apart from an import that runs;
// .dependency-cruiser-cycles.mjs, on the imports that run, checks that no two folders import each
// other. docs/architecture.md explains the rule.
//
// Paths are relative to the repository root.

/** A folder's modules: the folder itself and everything below it. */
const under = (folder) => `^${folder}/`;

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const rules = [
  {
    name: 'core-only-core-and-node',
    comment: 'core/ imports only node: builtins and other core files: it is the package with no runtime dependency.',
    severity: 'error',
    from: { path: under('core'), pathNot: under('core/store') },
    to: { pathNot: under('core'), dependencyTypesNot: ['core'] },
  },
  {
    name: 'core-store-only-core-node-and-pg',
    comment: 'core/store/ (the PostgreSQL store) may also import the optional pg package, and nothing else.',
    severity: 'error',
    from: { path: under('core/store') },
    to: {
      pathNot: [under('core'), '^(node_modules/)?pg(/|$)', '^node_modules/@types/pg/'],
      dependencyTypesNot: ['core'],
    },
  },
  {
    name: 'core-store-loads-pg-lazily',
    comment: 'pg is loaded only when the store is asked for: a dynamic import(), or a type-only import.',
    severity: 'error',
    from: { path: under('core/store') },
    to: { path: '^(node_modules/)?pg(/|$)', dependencyTypesNot: ['dynamic-import', 'type-only'] },
  },
  {
    name: 'pg-only-from-core-store',
    comment: "pg is the store's dependency alone: no other shipped folder loads it.",
    severity: 'error',
    from: { pathNot: [under('core/store'), under('test')] },
    to: { path: ['^(node_modules/)?pg(/|$)', '^node_modules/@types/pg/'] },
  },
  {
    name: 'scenarios-harness-and-reports-types-only',
    comment: 'scenarios/ may import harness/ and reports/ types, never their code: harness/ runs scenarios, not the other way round.',
    severity: 'error',
    from: { path: under('scenarios') },
    to: { path: [under('harness'), under('reports')], dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'reports-harness-types-only',
    comment: 'reports/ are pure renderers: they may import harness/ types (the run result), never harness/ code.',
    severity: 'error',
    from: { path: under('reports') },
    to: { path: under('harness'), dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'reports-only-reports-and-harness-types',
    comment: 'reports/ import their own files and harness/ types, and nothing else (no core, no scenarios, no builtins, no packages).',
    severity: 'error',
    from: { path: under('reports') },
    to: { pathNot: [under('reports'), under('harness')] },
  },
  {
    name: 'nothing-imports-test',
    comment: 'test/ may import anything; nothing imports test/ (the package ships without it).',
    severity: 'error',
    from: { pathNot: under('test') },
    to: { path: under('test') },
  },
  {
    name: 'shipped-code-not-to-dev-dependency',
    comment: 'core/, scenarios/, harness/ and reports/ are installed without devDependencies: they must not load one.',
    severity: 'error',
    from: { path: ['^core/', '^scenarios/', '^harness/', '^reports/'] },
    to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'no-non-package-json',
    comment: 'Every package imported is declared in package.json.',
    severity: 'error',
    from: {},
    to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
  },
  {
    name: 'not-to-unresolvable',
    comment: 'Every import resolves to a file (pg, optional and loaded by the store alone, may be absent).',
    severity: 'error',
    from: {},
    to: { couldNotResolve: true, pathNot: '^pg$' },
  },
];

export default {
  forbidden: rules,
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '^node_modules/' },
    exclude: { path: '^dist/' },
  },
};
