import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { RacetrackError } from '../../../core/errors.ts';
import type { CommandResult } from '../command-result.ts';
import { readCaseFile, writeCaseFile } from '../../fuzz/case-file-io.ts';
import type { FuzzCase } from '../../fuzz/fuzz-case-file.ts';
import { DEFAULT_MAX_STATES, FUZZ_PRIMITIVES, modelOf, resolveFuzz, runFuzz, runFuzzCase, type FuzzFailure, type FuzzReport } from '../../fuzz/run-fuzz.ts';
import { parseChoice, parsePositiveInteger } from './raw-options.ts';

/** `racetrack fuzz` options as commander hands them over (strings, not yet checked). */
export interface FuzzCommandOptions {
  readonly runs?: string;
  readonly seed?: string;
  readonly sut?: string;
  readonly out?: string;
  readonly replay?: string;
  readonly powerLoss?: boolean;
  readonly disk?: string;
  readonly maxStates?: string;
}

/** The JSON `racetrack fuzz` prints on stdout. */
export interface FuzzOutput {
  readonly verdict: 'pass' | 'fail';
  readonly primitive: string;
  readonly sut: string;
  readonly mode: FuzzReport['mode'];
  readonly powerLoss: boolean;
  readonly disk: FuzzReport['disk'];
  readonly seed: number;
  readonly runs: number;
  readonly shrinks: number;
  readonly crashStates: number;
  readonly crashStatesPerSecond: number;
  readonly duplicateStates: number;
  readonly sampledInstants: number;
  readonly wallMs: number;
  readonly failures: 0 | 1;
  /** The shrunk case: operations, crash point, fs calls up to it, the state found, the invariants broken. */
  readonly failure: Omit<FuzzFailure, 'case'> | null;
  readonly case: FuzzCase | null;
  /** The replay file written (or, for --replay, read), or null. */
  readonly replay: string | null;
  readonly replayCommand: string | null;
  readonly model: string;
}

function parseSeed(value: string | undefined): number {
  if (value === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (!/^[0-9]+$/.test(value) || Number(value) >= 2 ** 31) {
    throw new RacetrackError('EINVALID', `--seed must be an integer from 0 to 2147483647, got ${JSON.stringify(value)}`, { option: '--seed', value });
  }
  return Number(value);
}

/** racetrack-runs/fuzz-<primitive>-<sut>-<time>-<pid> */
function defaultOutDir(primitive: string, sut: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return resolve('racetrack-runs', `fuzz-${primitive}-${sut}-${stamp}-${process.pid}`);
}

/** A shell word for `path` (quoted only when it needs to be). */
function shellWord(path: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The human account of a failure, for stderr. */
export function formatFailure(report: { primitive: string; sut: string }, f: FuzzFailure, replayCommand: string | null): string {
  const lines = [
    `racetrack fuzz ${report.primitive} (sut ${report.sut}): FAIL`,
    ...f.violations.map((v) => `  invariant broken: ${v.invariant}: ${v.message}`),
    '  operations:',
    ...f.ops.map((o) => `    ${o}`),
    `  crash: ${f.crash}`,
    `  fs calls up to the crash:`,
    ...(f.calls.length === 0 ? ['    (none)'] : f.calls.map((c) => `    ${c}`)),
  ];
  if (f.kept !== undefined) lines.push('  pending changes that survived the power loss:', ...(f.kept.length === 0 ? ['    (none)'] : f.kept.map((k) => `    ${k}`)));
  if (f.lost !== undefined) lines.push('  pending changes lost:', ...(f.lost.length === 0 ? ['    (none)'] : f.lost.map((k) => `    ${k}`)));
  lines.push('  state found after the crash:', ...(f.found.length === 0 ? ['    (empty)'] : f.found.map((e) => `    ${e}`)));
  lines.push('  after recovery:', ...(f.recovered.length === 0 ? ['    (empty)'] : f.recovered.map((e) => `    ${e}`)));
  if (replayCommand !== null) lines.push(`  replay: ${replayCommand}`);
  return `${lines.join('\n')}\n`;
}

function output(report: FuzzReport, replay: string | null): FuzzOutput {
  const { failure } = report;
  const { case: c, ...details } = failure ?? { case: null };
  return {
    verdict: report.verdict,
    primitive: report.primitive,
    sut: report.sut,
    mode: report.mode,
    powerLoss: report.mode === 'power-loss',
    disk: report.disk,
    seed: report.seed,
    runs: report.runs,
    shrinks: report.shrinks,
    crashStates: report.crashStates,
    crashStatesPerSecond: report.crashStatesPerSecond,
    duplicateStates: report.duplicateStates,
    sampledInstants: report.sampledInstants,
    wallMs: report.wallMs,
    failures: failure === null ? 0 : 1,
    failure: failure === null ? null : (details as Omit<FuzzFailure, 'case'>),
    case: c,
    replay,
    replayCommand: replay === null ? null : `racetrack fuzz --replay ${shellWord(replay)}`,
    model: report.model,
  };
}

async function replayCommand(primitive: string | undefined, o: FuzzCommandOptions, stderr: (s: string) => void): Promise<CommandResult> {
  const given: Record<string, unknown> = { '--runs': o.runs, '--seed': o.seed, '--sut': o.sut, '--out': o.out, '--disk': o.disk, '--max-states': o.maxStates, '--power-loss': o.powerLoss || undefined };
  const conflicting = Object.keys(given).filter((k) => given[k] !== undefined);
  if (conflicting.length > 0) {
    throw new RacetrackError('EINVALID', `--replay re-runs the case exactly as recorded; drop ${conflicting.join(', ')}`, { options: conflicting });
  }
  const path = resolve(o.replay!);
  const c = readCaseFile(path);
  if (primitive !== undefined && primitive !== c.primitive) {
    throw new RacetrackError('EINVALID', `the replay file holds a ${c.primitive} case, not ${primitive}`, { primitive, recorded: c.primitive });
  }
  try {
    resolveFuzz(c.primitive, c.sut, c.mode === 'power-loss', c.mode === 'race' ? undefined : c.disk);
  } catch (err) {
    if (err instanceof RacetrackError && err.code === 'EINVALID') throw new RacetrackError('ECORRUPT', `replay file ${path}: ${err.message}`, { path });
    throw err;
  }
  const started = performance.now();
  const failure = await runFuzzCase(c);
  const wallMs = performance.now() - started;
  const report: FuzzReport = {
    verdict: failure === null ? 'pass' : 'fail',
    primitive: c.primitive,
    sut: c.sut,
    mode: c.mode,
    disk: c.disk,
    seed: c.seed,
    runs: 1,
    shrinks: 0,
    crashStates: 1,
    duplicateStates: 0,
    sampledInstants: 0,
    wallMs: Math.round(wallMs),
    crashStatesPerSecond: Math.round(1000 / Math.max(wallMs, 1e-3)),
    model: modelOf(c.mode, c.disk),
    failure: failure === null ? null : { ...failure, case: c },
  };
  const out = output(report, path);
  if (failure === null) stderr(`racetrack fuzz: the case in ${path} passes now\n`);
  else stderr(formatFailure(report, failure, out.replayCommand));
  return { exitCode: failure === null ? 0 : 1, output: out };
}

/**
 * `racetrack fuzz <primitive>`: exit 0 when every run passed; 1 with the shrunk case printed, on
 * stdout as JSON and on stderr for people, and written to a replay file; 2 on bad input (nothing
 * written). `--replay FILE` re-runs exactly that case: exit 1 if it still fails, 0 if it passes.
 */
export async function runFuzzCommand(primitive: string | undefined, o: FuzzCommandOptions, stderr: (s: string) => void, isTty: boolean): Promise<CommandResult> {
  if (o.replay !== undefined) return replayCommand(primitive, o, stderr);
  if (primitive === undefined) throw new RacetrackError('EINVALID', `name a primitive to fuzz (${FUZZ_PRIMITIVES.join(', ')}) or give --replay FILE`);
  const runs = parsePositiveInteger('--runs', o.runs, 100);
  const seed = parseSeed(o.seed);
  const maxStates = parsePositiveInteger('--max-states', o.maxStates, DEFAULT_MAX_STATES);
  const disk = o.disk === undefined ? undefined : parseChoice('--disk', o.disk, ['real', 'sim'] as const, 'real');
  const sutName = o.sut ?? 'core';
  const powerLoss = o.powerLoss === true;
  resolveFuzz(primitive, sutName, powerLoss, disk);
  const outDir = o.out === undefined ? defaultOutDir(primitive, sutName) : resolve(o.out);
  const casePath = join(outDir, 'case.json');
  if (existsSync(casePath)) throw new RacetrackError('EINVALID', `--out ${outDir} already holds a case.json; give a new directory`, { out: outDir });

  const interval = isTty ? 100 : 5000;
  let last = 0;
  const line = (p: { cases: number; crashStates: number; elapsedMs: number }) => `racetrack fuzz ${primitive}: ${p.cases} cases, ${p.crashStates} crash states, ${(p.elapsedMs / 1000).toFixed(1)}s`;
  const report = await runFuzz({
    primitive,
    sut: sutName,
    runs,
    seed,
    powerLoss,
    ...(disk === undefined ? {} : { disk }),
    maxStates,
    onProgress(p) {
      if (p.elapsedMs - last < interval) return;
      last = p.elapsedMs;
      stderr(isTty ? `\r\x1b[2K${line(p)}` : `${line(p)}\n`);
    },
  });
  if (isTty) stderr('\r\x1b[2K');
  let replay: string | null = null;
  if (report.failure !== null) {
    writeCaseFile(casePath, report.failure);
    replay = casePath;
  }
  const out = output(report, replay);
  stderr(`racetrack fuzz ${primitive} (sut ${report.sut}, ${report.mode}${report.mode === 'crash' ? `, ${report.disk} disk` : ''}): ${report.verdict.toUpperCase()} after ${report.runs} runs, ${report.crashStates} crash states in ${(report.wallMs / 1000).toFixed(1)}s (${report.crashStatesPerSecond}/s), seed ${seed}\n`);
  if (report.failure !== null) stderr(formatFailure(report, report.failure, out.replayCommand));
  return { exitCode: report.verdict === 'pass' ? 0 : 1, output: out };
}
