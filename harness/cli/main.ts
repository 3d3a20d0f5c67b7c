#!/usr/bin/env node
// The racetrack command: `racetrack <verb> …`. Runs as `node dist/harness/cli/main.js` (the npm bin)
// and, unbuilt, as `deno run -A harness/cli/main.ts`.
import process from 'node:process';
import { runCli } from './program.ts';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

// `racetrack run --help | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const exitCode = await runCli(process.argv.slice(2), {
  io: { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) },
  readStdin,
  stdinIsTty: process.stdin.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
});
process.exitCode = exitCode;
