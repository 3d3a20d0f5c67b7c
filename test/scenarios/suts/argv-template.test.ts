// Command templates: split like a shell without expanding anything, placeholders filled per
// operation, and `{critical}` (an argv) spliced in as words or shell-quoted inside a word.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fillArgv, parseArgvTemplate, shellQuote } from '../../../scenarios/suts/exec/argv-template.ts';
import { checkExecSetup } from '../../../scenarios/suts/exec/exec-sut.ts';

describe('command templates', () => {
  test('a list value as a whole word becomes that many words', () => {
    const words = parseArgvTemplate('flock {lock} {critical}');
    assert.deepEqual(fillArgv(words, { lock: '/r/section.lock', critical: ['node', '/p/probe.js', '/r', '/r.events'] }), ['flock', '/r/section.lock', 'node', '/p/probe.js', '/r', '/r.events']);
  });

  test('a list value inside a word is shell-quoted, and a shell reads back the same words', () => {
    const critical = ['node', "/tmp/it's here/probe.js", 'a b', '$HOME'];
    const [, , script] = fillArgv(parseArgvTemplate('sh -c \'printf "%s\\n" {critical}\''), { critical });
    const out = execFileSync('sh', ['-c', script!], { encoding: 'utf8' });
    assert.deepEqual(out.split('\n').slice(0, -1), critical);
    assert.equal(shellQuote('plain/path-1.js'), 'plain/path-1.js');
  });

  test('{staleMs} is a placeholder (mixed case), and a placeholder without a value is an error', () => {
    assert.deepEqual(fillArgv(parseArgvTemplate('x --stale={staleMs}'), { staleMs: '5000' }), ['x', '--stale=5000']);
    assert.throws(() => fillArgv(parseArgvTemplate('x {file}'), {}), /placeholder \{file\} has no value/);
    assert.throws(() => parseArgvTemplate('x {nope}', '--recover'), /unknown placeholder \{nope\} in --recover template/);
  });

  test('a placeholder whose } was forgotten is refused; braces that are no placeholder are left alone', () => {
    assert.throws(() => parseArgvTemplate('x {counters} {staleMs'), /unterminated placeholder \{staleMs in --exec template/);
    assert.throws(() => parseArgvTemplate("sh -c 'cat {file} > {file'"), /unterminated placeholder \{file/);
    assert.deepEqual(parseArgvTemplate("jq '{a: .b}' {file}"), ['jq', '{a: .b}', '{file}']);
    assert.deepEqual(parseArgvTemplate("sh -c 'echo {x,y}' {file}"), ['sh', '-c', 'echo {x,y}', '{file}']);
    assert.deepEqual(parseArgvTemplate("awk '{file = $1} END {print file}' {file}"), ['awk', '{file = $1} END {print file}', '{file}']);
    assert.deepEqual(parseArgvTemplate("awk '{count += 1} END {print count}' {file}"), ['awk', '{count += 1} END {print count}', '{file}']);
  });

  test("an interpreter's script must exist; code given inline, a module, or a script named by a placeholder is not looked for", () => {
    // Stand-ins for the interpreters, so the test does not depend on which are installed; and a script a shell finds on PATH.
    const bin = mkdtempSync(join(tmpdir(), 'racetrack-path-'));
    try {
      for (const name of ['sh', 'bash', 'python3', 'node', 'perl', 'ruby']) writeFileSync(join(bin, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      writeFileSync(join(bin, 'on-path-tool.sh'), 'exit 0\n');
      const env = { PATH: bin };
      const check = (template: string) => checkExecSetup(template, 'reserve', env);
      assert.throws(() => check('python3 no-such.py {counters}'), /--exec script no-such\.py does not exist \(python3 would run it\)/);
      assert.throws(() => check('bash -x lib/no-such.sh {counters}'), /script lib\/no-such\.sh does not exist/);
      assert.throws(() => check('python3 -u no-such.py {counters}'), /script no-such\.py does not exist/, 'an option known to take no argument is stepped over');
      assert.throws(() => check('python3 on-path-tool.sh {counters}'), /does not exist/, 'python does not look on PATH');
      for (const template of [
        'bash on-path-tool.sh {counters}',
        "sh -c 'echo {counters}'",
        "bash -ec 'true' {counters}",
        'python3 -m json.tool {counters}',
        "node -e '1' {counters}",
        'python3 -W ignore x.py {counters}',
        'bash {counters}',
        'node --version {counters}',
        'node -r dotenv/config no-such.mjs {counters}',
        'node --require ts-node/register no-such.ts {counters}',
        'python3 -W ignore::pkg.Warning no-such.py {counters}',
        'python3 -X pycache_prefix=/tmp/pc no-such.py {counters}',
        'perl -I lib no-such.pl {counters}',
        'ruby -r bundler/setup no-such.rb {counters}',
        'bash -o pipefail no-such.sh {counters}',
      ]) {
        assert.doesNotThrow(() => check(template), template);
      }
    } finally {
      rmSync(bin, { recursive: true });
    }
  });
});
