// `npm run docs:cli`: writes the command-line reference, docs/cli.md (or the path given), from
// the verb declarations. A test fails when the file differs from what they render.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import process from 'node:process';
import { renderCliReference } from './cli-reference.ts';
import { VERBS } from './verbs/index.ts';

const target = resolve(process.argv[2] ?? 'docs/cli.md');
writeFileSync(target, renderCliReference(VERBS));
process.stdout.write(`${JSON.stringify({ written: target })}\n`);
