import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/tmp.ts';

/** The repository: the nearest directory above this file that holds a package.json (dist/ has none). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    assert.notEqual(parent, dir, 'no package.json above the test');
    dir = parent;
  }
  return dir;
}

const root = repositoryRoot();
// Coverage is collected for racetrack's own dist/, not for npm or the installed copy.
const { NODE_V8_COVERAGE: _coverage, ...env } = process.env;

/** Runs a command to completion; fails the test with its output unless it exits 0. */
function run(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const CONSUMER_TS = `import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocateTopic, RacetrackError, reserveIds, type Reservation, type TopicAllocation } from 'racetrack';
import { runScenario, type RunResult } from 'racetrack/harness';

const dir = process.argv[2]!;
const counters = join(dir, 'counters.json');
writeFileSync(counters, JSON.stringify({ counters: { SEC: 19 } }));
const reservation: Reservation = await reserveIds(counters, 'SEC', 2);
const topics = join(dir, 'topics');
mkdirSync(topics);
const first: TopicAllocation = await allocateTopic(topics, 'auth_flow');
const second = await allocateTopic(topics, 'next');
// @ts-expect-error: a topic number is a string ('001'); were the package's types missing or any, this line would compile
const mistyped: number = first.number;
let refused: string | null = null;
try {
  await reserveIds(counters, 'NOPE');
} catch (err) {
  if (err instanceof RacetrackError) refused = err.code;
}
const run = await runScenario({ scenario: 'allocate', sut: 'core', iterations: 2, workers: 2, isolation: 'thread', seed: 1, outDir: join(dir, 'run'), maxCollisionRate: 0, keep: [] });
const result: RunResult = run.result;
console.log(JSON.stringify({ ids: reservation.ids, first, second, refused, mistyped, verdict: result.verdict, collisions: result.collisions }));
`;

const CONSUMER_MJS = `const core = await import('racetrack');
const harness = await import('racetrack/harness');
console.log(JSON.stringify({ core: Object.keys(core), harness: Object.keys(harness) }));
`;

describe('the packed package', () => {
  const work = tempDir('racetrack-package-');
  const project = join(work.path, 'consumer');
  let files: string[] = [];

  before(() => {
    // --ignore-scripts: prepare would rebuild dist/, which this very suite is running from.
    const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work.path], root)) as { filename: string; files: { path: string }[] }[];
    const [tarball] = packed;
    assert.ok(tarball !== undefined);
    files = tarball.files.map((f) => f.path);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // The dependencies come from npm's cache, filled by the repository's own install; the
    // registry is asked only for what the cache lacks.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work.path, tarball.filename)], project);
  });

  after(() => work.cleanup());

  it('holds the compiled sources with their types, and no tests', () => {
    assert.deepEqual(
      files.filter((f) => f.startsWith('dist/test/') || f.endsWith('.map')),
      [],
    );
    for (const entry of ['dist/core/index', 'dist/harness/index']) {
      assert.ok(files.includes(`${entry}.js`), `${entry}.js is packed`);
      assert.ok(files.includes(`${entry}.d.ts`), `${entry}.d.ts is packed`);
    }
    assert.ok(files.includes('dist/harness/cli/main.js'), 'the racetrack command is packed');
    const untyped = files.filter((f) => f.endsWith('.js') && !files.includes(f.replace(/\.js$/, '.d.ts')));
    assert.deepEqual(untyped, []);
  });

  it('type-checks a strict TypeScript consumer against the installed package, which then reserves IDs, allocates directories and runs a scenario', () => {
    writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          outDir: 'out',
          noEmitOnError: true,
          skipLibCheck: false,
          // A consumer brings its own @types/node; this one takes the repository's.
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], project);
    const data = join(project, 'data');
    mkdirSync(data);
    const out = JSON.parse(run(process.execPath, [join(project, 'out', 'consumer.js'), data], project)) as Record<string, unknown>;
    assert.deepEqual(out, {
      ids: ['SEC-20', 'SEC-21'],
      first: { number: '001', path: join(data, 'topics', '001_auth_flow') },
      second: { number: '002', path: join(data, 'topics', '002_next') },
      refused: 'EINVALID',
      mistyped: '001',
      verdict: 'pass',
      collisions: 0,
    });
    assert.ok(existsSync(join(data, 'topics', '002_next')));
  });

  it('is imported from plain JavaScript, core and harness alike', () => {
    writeFileSync(join(project, 'consumer.mjs'), CONSUMER_MJS);
    const out = JSON.parse(run(process.execPath, [join(project, 'consumer.mjs')], project)) as { core: string[]; harness: string[] };
    for (const name of ['reserveIds', 'allocateTopic', 'findNext', 'writeAtomic', 'acquireLock', 'RacetrackError']) assert.ok(out.core.includes(name), `racetrack exports ${name}`);
    for (const name of ['runScenario', 'runFuzz', 'runSelftest', 'runBenchPlan']) assert.ok(out.harness.includes(name), `racetrack/harness exports ${name}`);
  });

  it('installs the racetrack command', () => {
    const topics = join(project, 'cli-topics');
    mkdirSync(topics);
    const out = JSON.parse(run(join(project, 'node_modules', '.bin', 'racetrack'), ['allocate', '--root', topics, '--name', 'from_cli'], project)) as Record<string, unknown>;
    assert.deepEqual(out, { topic_number: '001', topic_path: join(topics, '001_from_cli') });
  });
});
