// `npm run check:bench-html`: renders a bench.html and loads it in headless Chromium, which writes a
// screenshot to look at and dumps the DOM it built, so we know the page parses and every chart is
// there. Kept out of `npm test`: it needs a browser (`apt-get install -y chromium`) and a person
// to look at the picture.
//
//   npm run check:bench-html -- [bench.json] [--out DIR]
//
// With a bench.json it re-renders that report; without, it runs a small bench first (workers
// 1,2,10 at 300 ms, quick single-op, no overhead). A relative path is taken from where npm was
// run (INIT_CWD), not from the package root npm runs the script in.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { RacetrackError } from '../../core/errors.ts';
import { errorResult } from './output.ts';
import { renderBenchHtml } from '../../reports/bench-html.ts';
import type { BenchReport } from '../bench/bench-types.ts';
import { runBenchPlan } from '../bench/run-bench.ts';
import { makeDirs } from '../engine/make-dirs.ts';

/** Where the page continues below the first screenshot. */
const LATER_SECTIONS = ['peers', 'histograms', 'single-op'];

const BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function browser(): string | undefined {
  const fromEnv = process.env.CHROMIUM;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : BROWSERS.find((b) => existsSync(b));
}

function chromium(exe: string, args: readonly string[]): { stdout: string; status: number | null } {
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${mkdtempSync(join(tmpdir(), 'racetrack-chromium-'))}`,
  ];
  const r = spawnSync(exe, [...flags, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 2 ** 20 });
  return { stdout: r.stdout ?? '', status: r.status };
}

/** The report in `from`, read before anything else is looked for, so a wrong path is the first thing said. */
function readReport(from: string): BenchReport {
  const text = readFileSync(from, 'utf8');
  try {
    return JSON.parse(text) as BenchReport;
  } catch (err) {
    throw new RacetrackError('ECORRUPT', `${from} is not a bench.json: ${err instanceof Error ? err.message : String(err)}`, { path: from });
  }
}

async function report(given: BenchReport | undefined): Promise<BenchReport> {
  if (given !== undefined) return given;
  return runBenchPlan(
    {
      config: { op: 'reserve', isolation: 'thread', workers: [1, 2, 10], durationMs: 300, rounds: 1, durable: true, quick: true, referenceWorkers: 10, command: 'npm run check:bench-html' },
      singleOp: { timeMs: 100, warmupMs: 20 },
      overhead: null,
    },
    (line) => process.stderr.write(line),
  );
}

/** The command line: an optional bench.json and --out, each resolved from where the user ran npm. */
function parseArgs(argv: readonly string[]): { from: string | undefined; out: string } {
  const program = new Command('check:bench-html')
    .argument('[bench.json]', 'the bench report to render (default: run a small bench first)')
    .option('--out <dir>', 'where to write bench.html and the screenshots', join(tmpdir(), 'racetrack-bench-html-check'))
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new RacetrackError('EINVALID', err.message.replace(/^error: /, ''), { usage: err.code });
    throw err;
  }
  const base = process.env.INIT_CWD ?? process.cwd();
  const from = program.args[0];
  return { from: from === undefined ? undefined : resolve(base, from), out: resolve(base, program.opts<{ out: string }>().out) };
}

async function main(): Promise<number> {
  const { from, out } = parseArgs(process.argv.slice(2));
  const given = from === undefined ? undefined : readReport(from);
  const exe = browser();
  if (exe === undefined) {
    process.stderr.write('no Chromium found: apt-get update && apt-get install -y chromium (or set CHROMIUM=/path/to/chrome)\n');
    return 2;
  }
  makeDirs(out, 'the output directory');
  const html = join(out, 'bench.html');
  const rendered = renderBenchHtml(await report(given));
  writeFileSync(html, rendered);
  const url = pathToFileURL(html).href;
  const dom = chromium(exe, ['--dump-dom', url]);
  const screenshot = join(out, 'bench.png');
  const shot = chromium(exe, [`--screenshot=${screenshot}`, '--window-size=1200,2400', url]);
  // Headless Chromium shoots the viewport only; the later parts get a shot each, from a copy of
  // the page that hides the sections before them.
  const shots = [screenshot];
  for (const from of LATER_SECTIONS) {
    const partHtml = join(out, `bench-from-${from}.html`);
    const hide = `<style>section { display: none; } section#${from}, section#${from} ~ section { display: block; } h1, p.sub { display: none; }</style>`;
    writeFileSync(partHtml, rendered.replace('</head>', `${hide}</head>`));
    const partPng = join(out, `bench-from-${from}.png`);
    if (chromium(exe, [`--screenshot=${partPng}`, '--window-size=1200,2400', pathToFileURL(partHtml).href]).status === 0) shots.push(partPng);
  }
  const svgsWritten = (rendered.match(/<svg[\s>]/g) ?? []).length;
  const svgsParsed = (dom.stdout.match(/<svg[\s>]/g) ?? []).length;
  const external = /\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i.test(dom.stdout);
  const ok = dom.status === 0 && shot.status === 0 && existsSync(screenshot) && svgsParsed === svgsWritten && svgsParsed > 0 && !external;
  process.stdout.write(`${JSON.stringify({ ok, html, screenshots: shots, svgsWritten, svgsParsed, externalReferences: external })}\n`);
  if (ok) process.stderr.write(`look at ${shots.join(', ')}: every chart should be legible, with axes, labels and a legend\n`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Bad input as everywhere in racetrack: one JSON error on stdout, exit 2.
    process.stdout.write(`${JSON.stringify(errorResult(err).output)}\n`);
    process.exit(2);
  },
);
