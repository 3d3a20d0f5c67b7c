// find-next claims only from a registry table Markdown renders: run as a real child process of the
// runtime under test, on files whose registry table is commented out.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { registryText, type FixtureBatch } from '../fixtures/registry-text.ts';
import { racetrack } from '../support/cli.ts';
import { inTempDirSync } from '../support/tmp.ts';

const RETIRED: FixtureBatch[] = [{ batch: '001', status: 'O', sites: ['old.example'] }];
const LIVE: FixtureBatch[] = [{ batch: '007', status: 'O', sites: ['new.example'] }];
const COMMENTED = `<!-- retired registry, kept for reference\n${registryText(RETIRED)}-->\n`;
const CLAIM = ['find-next', '--mode', 'batch', '--phase', 'implement', '--claim', '--owner', 'a'];

describe('racetrack find-next on a registry with a commented-out table', () => {
  test(
    'a file whose only registry table is commented out is exit 2, a JSON error, and left as it was',
    inTempDirSync((dir) => {
      const registry = join(dir, 'R.md');
      writeFileSync(registry, COMMENTED);
      const r = racetrack([...CLAIM, '--registry', registry]);
      assert.equal(r.code, 2, r.stdout);
      const error = r.json();
      assert.equal(error.error, 'EINVALID');
      assert.deepEqual(error.found, { line: 6, inside: 'HTML block', from: 1 });
      assert.equal(readFileSync(registry, 'utf8'), COMMENTED);
      assert.deepEqual(readdirSync(dir), ['R.md']);
    }),
  );

  test(
    'the rendered table after the comment is the one claimed from; the comment is left as it was',
    inTempDirSync((dir) => {
      const registry = join(dir, 'R.md');
      writeFileSync(registry, `${COMMENTED}\n${registryText(LIVE)}`);
      const r = racetrack([...CLAIM, '--registry', registry]);
      assert.equal(r.code, 0, r.stdout);
      assert.deepEqual([r.json().batch, r.json().sites, r.json().to], ['007', ['new.example'], 'i']);
      const after = readFileSync(registry, 'utf8');
      assert.ok(after.startsWith(`${COMMENTED}\n`), after);
      assert.match(after.slice(COMMENTED.length), /\| new\.example \| 007 \| i \|.*\| a \|/);
      assert.deepEqual(readdirSync(dir), ['R.md']);
    }),
  );
});
