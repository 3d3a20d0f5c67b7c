// Every CLI verb, run as a real child process of the runtime under test (Node on the built
// output, Deno on the sources): its output shape and its exit codes.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { detectRuntime } from '../../core/runtime.ts';
import { racetrack } from '../support/cli.ts';
import { tempDir } from '../support/tmp.ts';

const dir = tempDir('racetrack-cli-');
after(() => dir.cleanup());

describe('racetrack CLI', () => {
  test('allocate prints the topic as JSON, or NNN|path with --format simple', () => {
    const root = join(dir.path, 'specs');
    writeFileSync(join(dir.path, 'keep'), '');
    assert.equal(racetrack(['allocate', '--root', dir.path, '--name', 'x']).code, 0);
    const first = racetrack(['allocate', '--root', dir.path, '--name', 'auth_flow']);
    assert.equal(first.code, 0, first.stdout);
    assert.deepEqual(first.json(), { topic_number: '002', topic_path: join(dir.path, '002_auth_flow') });
    const simple = racetrack(['allocate', '--root', dir.path, '--name', 'next', '--format', 'simple']);
    assert.equal(simple.stdout, `003|${join(dir.path, '003_next')}\n`);
    assert.equal(existsSync(root), false);
  });

  test('allocate rejects a name that escapes the root with exit 2, a JSON error, and no directory', () => {
    const before = readdirSync(dir.path).sort();
    const r = racetrack(['allocate', '--root', dir.path, '--name', '../evil']);
    assert.equal(r.code, 2);
    assert.equal(r.json().error, 'EINVALID');
    assert.deepEqual(readdirSync(dir.path).sort(), before);
  });

  test('init-counters, reserve and validate-inbox work together', () => {
    const tasks = join(dir.path, 'TASKS.md');
    const counters = join(dir.path, 'counters.json');
    writeFileSync(tasks, '| SEC-19 | Fix auth | ready |\n| UX-66 | Buttons | done |\n');
    assert.equal(racetrack(['init-counters', '--tasks', tasks, '--counters', counters]).code, 0);
    const r = racetrack(['reserve', '--counters', counters, 'SEC', '2']);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(r.json().ids, ['SEC-20', 'SEC-21']);
    assert.match(String(r.json().reservedAt), /^\d{4}-\d{2}-\d{2}T/);
    const inbox = join(dir.path, 'inbox.json');
    writeFileSync(inbox, JSON.stringify({ tasks: [{ id: 'SEC-21' }] }));
    assert.equal(racetrack(['validate-inbox', '--counters', counters, '--inbox', inbox]).code, 0);
    writeFileSync(inbox, JSON.stringify({ tasks: [{ id: 'SEC-25' }] }));
    assert.equal(racetrack(['validate-inbox', '--counters', counters, '--inbox', inbox]).code, 1);
  });

  test('reserve rejects an unknown prefix or a bad count and leaves the counters file as it was', () => {
    const counters = join(dir.path, 'counters.json');
    const before = readFileSync(counters);
    for (const args of [['FOO'], ['SEC', '0'], ['SEC', 'two'], ['SEC', '-1']]) {
      const r = racetrack(['reserve', '--counters', counters, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(typeof r.json().error, 'string');
    }
    assert.deepEqual(readFileSync(counters), before);
  });

  test('find-next claims a batch, and exits 1 with no_work_found when none is left', () => {
    const registry = join(dir.path, 'REGISTRY.md');
    writeFileSync(registry, '| Domain | Batch | Status |\n|---|---|---|\n| a.example | 001 | O |\n');
    const claim = racetrack(['find-next', '--registry', registry, '--mode', 'batch', '--phase', 'implement', '--claim', '--owner', 'agent-1']);
    assert.equal(claim.code, 0, claim.stdout);
    assert.equal(claim.json().batch, '001');
    assert.equal(claim.json().claimed, true);
    const none = racetrack(['find-next', '--registry', registry, '--mode', 'batch', '--phase', 'implement', '--claim', '--owner', 'agent-2']);
    assert.equal(none.code, 1, none.stdout);
    assert.equal(none.json().reason, 'no_work_found');
  });

  test('write-atomic replaces a file with stdin, and recover reports nothing to do', () => {
    const file = join(dir.path, 'STATE.md');
    const w = racetrack(['write-atomic', file], { input: 'state: 1\n' });
    assert.equal(w.code, 0, w.stdout);
    assert.equal(readFileSync(file, 'utf8'), 'state: 1\n');
    const r = racetrack(['recover', file]);
    assert.equal(r.code, 0, r.stdout);
  });

  test('a missing file is exit 2 with a JSON error', () => {
    const r = racetrack(['reserve', '--counters', join(dir.path, 'nope.json'), 'SEC']);
    assert.equal(r.code, 2);
    assert.equal(r.json().error, 'ENOTFOUND');
  });

  test('an unknown verb or option is exit 2 with a JSON error', () => {
    const verb = racetrack(['allocat']);
    assert.equal(verb.code, 2);
    assert.equal(verb.json().error, 'EINVALID');
    const option = racetrack(['allocate', '--root', dir.path]);
    assert.equal(option.code, 2);
    assert.match(String(option.json().message), /--name/);
    // Asking for an unknown verb's help is the same typo, not a request for the main help.
    for (const argv of [
      ['allocat', '--help'],
      ['help', 'allocat'],
    ]) {
      const r = racetrack(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.json().error, 'EINVALID');
      assert.match(String(r.json().message), /allocat\b.*allocate/s);
    }
    const known = racetrack(['help', 'allocate']);
    assert.equal(known.code, 0);
    assert.match(known.stdout, /--name/);
  });

  test('list names every scenario', () => {
    const r = racetrack(['list']);
    assert.equal(r.code, 0);
    for (const s of ['allocate', 'reserve', 'claim', 'atomic-write', 'lock']) assert.match(r.stdout, new RegExp(`^${s} `, 'm'));
  });

  test('run executes a small scenario and writes its result', () => {
    const out = join(dir.path, 'run-allocate');
    const r = racetrack(['run', 'allocate', '--iterations', '3', '--workers', '3', '--seed', '7', '--out', out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json().verdict, 'pass');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(result.iterations, 3);
    assert.equal(result.seed, 7);
    assert.ok(existsSync(join(out, 'history.jsonl')));
    assert.ok(existsSync(join(out, 'summary.md')));
  });

  test('run --pause is refused under Deno with exit 2, before anything is created', { skip: detectRuntime().name !== 'deno' ? 'pauses run on Node' : false }, () => {
    const out = join(dir.path, 'deno-pause');
    const r = racetrack(['run', 'reserve', '--isolation', 'process', '--pause', '--iterations', '2', '--out', out]);
    assert.equal(r.code, 2);
    assert.equal(r.json().error, 'EINVALID');
    assert.equal(existsSync(out), false);
  });

  test('run rejects an unknown scenario with exit 2 and creates nothing', () => {
    const out = join(dir.path, 'run-nope');
    const r = racetrack(['run', 'nope', '--out', out]);
    assert.equal(r.code, 2);
    assert.equal(existsSync(out), false);
  });
});
