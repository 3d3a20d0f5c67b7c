import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultDeps } from '../../../core/deps.ts';
import { DEFAULT_MAX_STATES, FUZZ_PRIMITIVES } from '../../../harness/fuzz/run-fuzz.ts';
import type { CommandResult } from '../../../harness/cli/command-result.ts';
import { defineVerb, type VerbHost } from '../../../harness/cli/verb.ts';
import { VERBS } from '../../../harness/cli/verbs/index.ts';

/** A host that keeps what the handler returned. */
function host(): VerbHost & { result?: CommandResult } {
  const h: VerbHost & { result?: CommandResult } = {
    deps: defaultDeps(),
    io: { stdout: () => {}, stderr: () => {} },
    stdinIsTty: false,
    stderrIsTty: false,
    readStdin: async () => new Uint8Array(),
    async run(handler) {
      h.result = await handler();
    },
  };
  return h;
}

describe('verb declarations', () => {
  test('the handler gets the declared options and arguments by name, typed, with defaults and flags filled in', async () => {
    let got: unknown;
    const verb = defineVerb({
      name: 'probe',
      summary: 'a verb for this test',
      arguments: [
        { name: 'first', description: 'a word', required: true },
        { name: 'rest', description: 'more words', variadic: true },
      ],
      options: {
        count: { flags: '--count <n>', description: 'a number', default: '3' },
        mode: { flags: '--mode <mode>', description: 'a choice', choices: ['a', 'b'] },
        dryRun: { flags: '--dry-run', kind: 'flag', description: 'a flag' },
        durable: { flags: '--no-durable', kind: 'flag', description: 'a negated flag' },
        keep: { flags: '--keep <glob>', kind: 'list', description: 'a list' },
      },
      examples: [{ command: 'racetrack probe x' }],
      exitCodes: [{ code: '0', meaning: 'done' }],
      run: (input) => {
        got = input;
        const n: string = input.count;
        const mode: 'a' | 'b' | undefined = input.mode;
        return { exitCode: 0, output: { n, mode } };
      },
    });
    const h = host();
    await verb.command(h).parseAsync(['x', 'y', 'z', '--keep', 'k1', '--keep', 'k2', '--no-durable'], { from: 'user' });
    assert.deepEqual(got, { count: '3', mode: undefined, dryRun: false, durable: false, keep: ['k1', 'k2'], first: 'x', rest: ['y', 'z'] });
    assert.deepEqual(h.result, { exitCode: 0, output: { n: '3', mode: undefined } });
  });

  test('an option declared under a key commander does not give it is refused when the verb is built', () => {
    const verb = defineVerb({
      name: 'probe',
      summary: 'a verb for this test',
      arguments: [],
      options: { lease: { flags: '--lease-ms <ms>', description: 'misnamed' } },
      examples: [],
      exitCodes: [],
      run: () => ({ exitCode: 0, output: null }),
    });
    assert.throws(() => verb.command(host()), /declared as "lease", but commander calls it "leaseMs"/);
  });

  test('every verb of racetrack builds, with one name each', () => {
    const names = VERBS.map((v) => v.command(host()).name());
    assert.deepEqual(
      names,
      VERBS.map((v) => v.name),
    );
    assert.equal(new Set(names).size, names.length);
  });

  test('the fuzz help names every primitive the fuzzer knows, and its default number of states', () => {
    const fuzz = VERBS.find((v) => v.name === 'fuzz')!.command(host());
    const help = fuzz.helpInformation().replace(/\s+/g, ' ');
    for (const p of FUZZ_PRIMITIVES) assert.match(help, new RegExp(`\\b${p}\\b`), p);
    assert.match(help, new RegExp(`--max-states <n> [^(]*\\(default ${DEFAULT_MAX_STATES}\\)`));
  });
});
