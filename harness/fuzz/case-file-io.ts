import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { RacetrackError } from '../../core/errors.ts';
import type { PendingChoice } from '../sim/power-loss.ts';
import type { ExecFuzzSetup } from './exec/exec-fuzz-setup.ts';
import type { FuzzCase, FuzzCaseFile, FuzzMode } from './fuzz-case-file.ts';
import type { FuzzFailure } from './run-fuzz.ts';
import { makeDirs } from '../engine/make-dirs.ts';

const MODES: readonly FuzzMode[] = ['crash', 'power-loss', 'race'];

function corrupt(path: string, why: string): RacetrackError {
  return new RacetrackError('ECORRUPT', `replay file ${path} is not a racetrack fuzz case: ${why}`, { path });
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/** The `exec` of a `fuzz --exec` case: the user's commands. */
function parseExec(value: unknown, path: string): ExecFuzzSetup | undefined {
  if (value === undefined) return undefined;
  const e = value as Record<string, unknown> | null;
  const str = (x: unknown) => x === undefined || typeof x === 'string';
  if (
    typeof e !== 'object' ||
    e === null ||
    typeof e.command !== 'string' ||
    !str(e.setup) ||
    !str(e.recover) ||
    !(e.cwd === undefined || (typeof e.cwd === 'string' && isAbsolute(e.cwd))) ||
    !Array.isArray(e.keep) ||
    !e.keep.every((k) => typeof k === 'string') ||
    !isInt(e.timeoutMs, 1)
  )
    throw corrupt(path, '"exec" must be {"command", "setup"?, "recover"?, "cwd"?: an absolute path, "keep": [globs], "timeoutMs"}');
  return {
    command: e.command,
    ...(e.setup === undefined ? {} : { setup: e.setup as string }),
    ...(e.recover === undefined ? {} : { recover: e.recover as string }),
    ...(e.cwd === undefined ? {} : { cwd: e.cwd as string }),
    keep: e.keep as string[],
    timeoutMs: e.timeoutMs as number,
  };
}

/** Checks the shape of a parsed replay file; ECORRUPT naming the first thing wrong. */
export function parseCaseFile(value: unknown, path: string): FuzzCase {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(path, 'not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.racetrack !== 'fuzz-case' || v.version !== 1) throw corrupt(path, 'missing "racetrack":"fuzz-case" and "version":1');
  if (typeof v.primitive !== 'string' || typeof v.sut !== 'string') throw corrupt(path, '"primitive" and "sut" must be strings');
  if (!MODES.includes(v.mode as FuzzMode)) throw corrupt(path, `"mode" must be one of ${MODES.join(', ')}`);
  if (v.disk !== 'real' && v.disk !== 'sim') throw corrupt(path, '"disk" must be real or sim');
  if (!isInt(v.seed, -(2 ** 31))) throw corrupt(path, '"seed" must be an integer');
  if (v.path !== null && v.path !== undefined && typeof v.path !== 'string') throw corrupt(path, '"path" must be a string or null');
  const mode = v.mode as FuzzMode;
  const base = { primitive: v.primitive, sut: v.sut, mode, powerLoss: mode === 'power-loss', disk: v.disk as 'real' | 'sim', seed: v.seed, path: (v.path as string | null | undefined) ?? null };
  if (typeof v.powerLoss === 'boolean' && v.powerLoss !== base.powerLoss) throw corrupt(path, '"powerLoss" contradicts "mode"');
  if (mode === 'race') {
    const race = v.race as Record<string, unknown> | undefined;
    if (typeof race !== 'object' || race === null || !isInt(race.processes, 1) || (race.processes as number) > 16 || !Array.isArray(race.schedule) || !race.schedule.every((s) => isInt(s))) {
      throw corrupt(path, '"race" must be {"processes": 1-16, "schedule": [non-negative integers]}');
    }
    return { ...base, race: { processes: race.processes as number, schedule: race.schedule as number[] } };
  }
  if (!Array.isArray(v.ops)) throw corrupt(path, '"ops" must be an array');
  const exec = parseExec(v.exec, path);
  if (exec !== undefined) Object.assign(base, { exec });
  if (mode === 'power-loss') {
    const s = v.powerLossState as Record<string, unknown> | undefined;
    const choicesOk =
      Array.isArray(s?.choices) &&
      (s.choices as unknown[]).every((c) => {
        const o = c as Record<string, unknown> | null;
        return typeof o === 'object' && o !== null && typeof o.key === 'string' && isInt(o.keep) && (o.tear === undefined || o.tear === 'half' || o.tear === 'zeros');
      });
    if (typeof s !== 'object' || s === null || !isInt(s.instant) || !choicesOk || (s.instants !== undefined && s.instants !== 'replayed-calls'))
      throw corrupt(path, '"powerLossState" must be {"instant": n, "choices": [{"key", "keep", "tear"?}], "instants"?: "replayed-calls"}');
    return {
      ...base,
      ops: v.ops,
      powerLossState: { instant: s.instant as number, choices: s.choices as PendingChoice[], ...(s.instants === undefined ? {} : { instants: 'replayed-calls' as const }) },
    };
  }
  if (exec !== undefined) {
    const p = v.execCrash as Record<string, unknown> | null | undefined;
    if (p === null || p === undefined) return { ...base, ops: v.ops, execCrash: null };
    if (typeof p !== 'object' || !isInt(p.command) || !isInt(p.process) || typeof p.syscall !== 'string' || !/^[a-z0-9_]+$/.test(p.syscall) || !isInt(p.nth, 1) || typeof p.call !== 'string')
      throw corrupt(path, '"execCrash" must be null or {"command", "process", "syscall", "nth", "call"}');
    return { ...base, ops: v.ops, execCrash: { command: p.command as number, process: p.process as number, syscall: p.syscall, nth: p.nth as number, call: p.call } };
  }
  const c = v.crash as Record<string, unknown> | null | undefined;
  if (c !== null && c !== undefined) {
    const phaseOk = c.phase === 'before' || c.phase === 'after' || c.phase === 'mid';
    if (typeof c !== 'object' || !isInt(c.call) || !phaseOk || (c.bytes !== undefined && !isInt(c.bytes)))
      throw corrupt(path, '"crash" must be null or {"call": n, "phase": "before"|"after"|"mid", "bytes"?: n}');
    return { ...base, ops: v.ops, crash: { call: c.call as number, phase: c.phase as 'before' | 'after' | 'mid', ...(c.bytes === undefined ? {} : { bytes: c.bytes as number }) } };
  }
  return { ...base, ops: v.ops, crash: null };
}

/** Reads a replay file: ENOTFOUND when it is missing, ECORRUPT when it is not a fuzz case. */
export function readCaseFile(path: string): FuzzCase {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RacetrackError('ENOTFOUND', `replay file ${path} does not exist`, { path });
    throw new RacetrackError('EIO', `cannot read replay file ${path}: ${(err as Error).message}`, { path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(path, 'not valid JSON');
  }
  return parseCaseFile(value, path);
}

/** Writes a failure's case as a replay file (creating its directory); refuses to overwrite one. */
export function writeCaseFile(path: string, failure: FuzzFailure): void {
  if (existsSync(path)) throw new RacetrackError('EINVALID', `${path} already exists; give another --out`, { path });
  const file: FuzzCaseFile = { racetrack: 'fuzz-case', version: 1, ...failure.case, violations: failure.violations };
  try {
    makeDirs(dirname(path), '--out');
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { flag: 'wx' });
  } catch (err) {
    throw new RacetrackError('EIO', `cannot write replay file ${path}: ${(err as Error).message}`, { path });
  }
}
