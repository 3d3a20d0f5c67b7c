// Command templates: split like a shell without expanding anything, placeholders filled per
// operation, and `{critical}` (an argv) spliced in as words or shell-quoted inside a word.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
  });

  test("an interpreter's script must exist; code given inline, a module, or a script named by a placeholder is not looked for", () => {
    assert.throws(() => checkExecSetup('python3 no-such.py {counters}', 'reserve'), /--exec script no-such\.py does not exist \(python3 would run it\)/);
    assert.throws(() => checkExecSetup('bash -x lib/no-such.sh {counters}', 'reserve'), /script lib\/no-such\.sh does not exist/);
    for (const template of [
      "sh -c 'echo {counters}'",
      "bash -ec 'true' {counters}",
      'python3 -m json.tool {counters}',
      "node -e '1' {counters}",
      'python3 -W ignore x.py {counters}',
      'bash {counters}',
      'node --version {counters}',
    ]) {
      assert.doesNotThrow(() => checkExecSetup(template, 'reserve'), template);
    }
  });
});
