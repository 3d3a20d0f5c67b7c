import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { renderCliReference } from '../../../harness/cli/cli-reference.ts';
import { VERBS } from '../../../harness/cli/verbs/index.ts';

/** The package root: the nearest directory above this test that holds package.json (the tests also run from dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

test('docs/cli.md is what the verb declarations render: run npm run docs:cli after changing a verb', () => {
  const onDisk = readFileSync(join(packageRoot(), 'docs', 'cli.md'), 'utf8');
  assert.ok(onDisk === renderCliReference(VERBS), 'docs/cli.md is out of date: run npm run docs:cli and commit it');
});

test('the reference gives every verb its synopsis, options with defaults and required marks, exit codes and an example', () => {
  const doc = renderCliReference(VERBS);
  const sections = new Map(
    doc
      .split('\n## racetrack ')
      .slice(1)
      .map((text) => [text.slice(0, text.indexOf('\n')), text]),
  );
  assert.deepEqual(
    [...sections.keys()],
    VERBS.map((v) => v.name),
  );
  for (const verb of VERBS) {
    const section = sections.get(verb.name)!;
    assert.match(section, new RegExp(`\`\`\`sh\\nracetrack ${verb.name} `), verb.name);
    assert.match(section, /\| option \| meaning \| default \|/, verb.name);
    assert.match(section, /\| exit code \| meaning \|\n\|---\|---\|\n\| \S+ \| \S/, verb.name);
    assert.match(section, /Examples?:\n\n```sh\n\$ /, verb.name);
  }
  assert.match(doc, /\| `--tasks <file>` \| the TASKS\.md to scan for IDs like SEC-19 \| \*\*required\*\* \|/);
  assert.match(doc, /\| `--iterations <n>` \| iterations, each on a fresh root \| `100` \|/);
  assert.match(doc, /\| `--seed <n>` \| seed for every random choice \(printed, so a run can be replayed\) \| random \|/);
  assert.match(doc, /environment: `RACETRACK_PREFIXES`/);
  assert.doesNotMatch(doc, /seed 00\d/i, 'the specs are named by what they are, not by file number');
});
