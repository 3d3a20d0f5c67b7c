// What `racetrack <verb> --help` tells a new user, run as a real child process of the runtime under
// test: every verb's help says which options are required and what the others default to, and
// lists come from the lists racetrack runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SCENARIOS } from '../../scenarios/workloads/index.ts';
import { SUTS } from '../../scenarios/suts/index.ts';
import { VERBS } from '../../harness/cli/verbs/index.ts';
import { racetrack } from '../support/cli.ts';

/** `text` as a regular expression that matches it literally. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('racetrack --help', () => {
  test('the main help names every verb', () => {
    const r = racetrack(['--help']);
    assert.equal(r.code, 0);
    for (const verb of VERBS) assert.match(r.stdout, new RegExp(`^  ${verb.name} `, 'm'), verb.name);
  });

  test("every verb's help shows its usage, its examples and its exit codes", () => {
    for (const verb of VERBS) {
      const r = racetrack([verb.name, '--help']);
      assert.equal(r.code, 0, verb.name);
      assert.match(r.stdout, new RegExp(`^Usage: racetrack ${verb.name} `), verb.name);
      assert.match(r.stdout, /\nExamples?:\n {2}\$ .*racetrack /, verb.name);
      assert.match(r.stdout, /\nExit codes:\n {2}\S+ {2}\S/, verb.name);
      assert.match(r.stdout, /--quiet +print nothing on stderr/, verb.name);
    }
  });

  test('a required option is in the usage line and marked required', () => {
    const r = racetrack(['find-next', '--help']);
    assert.match(r.stdout, /^Usage: racetrack find-next --mode <mode> \[options\]\n/);
    const help = r.stdout.replace(/\s+/g, ' ');
    assert.match(help, /--registry <file> the registry Markdown file; required unless --store --mode/, 'required only without a store: not marked');
    assert.match(help, /--mode <mode> what to find[^(]*\(required; one of batch, sites, status, active\)/);
    assert.match(help, /--owner <id> who claims[^(]*--lease-ms/, 'an optional option without a default has no note');
  });

  test('a default is shown, in words where it is decided at run time', () => {
    const help = (verb: string) => racetrack([verb, '--help']).stdout.replace(/\s+/g, ' ');
    assert.match(help('run'), /--iterations <n> iterations, each on a fresh root \(default 100\)/);
    assert.match(help('run'), /--seed <n> .*? \(default random\)/);
    assert.match(help('lock'), /--timeout <ms> .*? \(default 10000\)/);
    assert.match(help('find-next'), /--lease-ms <ms> .*? \(default 1800000 \(30 minutes\)\)/);
    assert.match(help('reserve'), /count how many consecutive IDs, at most 10000 \(default 1\)/);
    assert.match(help('recover'), /--min-age-ms <ms> .*? \(default 60000\)/);
  });

  test('run --help and list name every scenario, from the one list', () => {
    const help = racetrack(['run', '--help']).stdout;
    const list = racetrack(['list']).stdout;
    assert.ok(SCENARIOS.some((s) => s.name === 'stale-lock'));
    for (const s of SCENARIOS) {
      assert.match(help, new RegExp(`^ {2}${s.name} +${literal(s.description.slice(0, 20))}`, 'm'), s.name);
      assert.match(list, new RegExp(`^${s.name} +${literal(s.description.slice(0, 20))}`, 'm'), s.name);
    }
  });

  test('list --suts says what each system under test is, its bug and the command that catches it, and names no spec by its file number', () => {
    const r = racetrack(['list', '--suts']);
    assert.equal(r.code, 0);
    for (const s of SUTS) assert.match(r.stdout, new RegExp(`^${s.name} +(\\[${s.kind}\\] )?${literal(s.description.slice(0, 20))}`, 'm'), s.name);
    assert.match(r.stdout, /^ +the bug: releases the lock before mkdir, and mkdir -p hides the clash: two allocators take the same number$/m);
    assert.match(r.stdout, /^ +caught by: racetrack run allocate --sut allocate-narrow-lock$/m);
    assert.match(r.stdout, /^ +caught by: racetrack fuzz write --power-loss --sut rename-no-fsync$/m);
    assert.doesNotMatch(r.stdout, /seed 00\d/i);
  });
});
