import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SUTS } from '../../scenarios/suts/index.ts';
import { parseFuzzScenario, runFuzzScenario } from '../fuzz/fuzz-scenario.ts';
import { firstDetectionMs } from './first-detection.ts';
import { runScenario } from '../engine/run.ts';
import { findPostgresBin, POSTGRES_INSTALL_HINT } from '../store/pg-cluster.ts';
import { checkNetPartition } from '../store/netns.ts';

/** One line of the selftest table: a system under test, through one scenario, N times. */
export interface SelftestRow {
  readonly system: string;
  readonly kind: 'control' | 'core';
  readonly scenario: string;
  readonly bug: string;
  readonly runs: number;
  /** Runs whose verdict was fail. For a control that is a detection; for the core, a false alarm. */
  readonly detected: number;
  /** Runs whose verdict was unknown. */
  readonly unknown: number;
  /** Median, over the detecting runs, of the time to the first failing iteration. */
  readonly medianDetectionMs: number | null;
  /** ok: a control caught every run, or the core passed every run. pending: not runnable yet, or not here (see `reason`). */
  readonly status: 'ok' | 'missed' | 'false-alarm' | 'pending';
  /** Why a pending row did not run (a store control where PostgreSQL is not installed). */
  readonly reason?: string;
}

export interface SelftestOptions {
  readonly runs: number;
  readonly outDir: string;
  readonly iterations: number;
  readonly workers: number;
  readonly isolation: 'thread' | 'process';
  readonly seed: number;
  readonly onRow?: (row: SelftestRow) => void;
  readonly onRun?: (system: string, scenario: string, run: number, verdict: string) => void;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Runs every control through what catches it `runs` times, and the core through each of those
 * scenarios (plus `lock`) as often, with the default scenario settings. A control must fail every
 * run; the core must pass every run.
 */
export async function runSelftest(o: SelftestOptions): Promise<{ rows: SelftestRow[]; ok: boolean }> {
  const rows: SelftestRow[] = [];
  const controls = SUTS.filter((s) => s.control !== undefined);
  const coreScenarios = [...new Set([...controls.map((c) => c.control!.caughtBy), 'lock'])];

  const plan = [
    ...controls.map((c) => ({ system: c.name, kind: 'control' as const, scenario: c.control!.caughtBy, bug: c.control!.bug, store: c.store, partition: c.control!.partition === true })),
    ...coreScenarios.map((scenario) => ({ system: 'core', kind: 'core' as const, scenario, bug: '(none: must pass)' })),
  ];
  const noPostgres = findPostgresBin() === null ? `PostgreSQL is not installed: ${POSTGRES_INSTALL_HINT}` : undefined;
  for (const item of plan) {
    const partitioned = 'partition' in item && item.partition;
    const cannot = 'store' in item && item.store !== undefined && noPostgres !== undefined ? noPostgres : partitioned ? noPartition() : undefined;
    if (cannot !== undefined) {
      const row: SelftestRow = {
        system: item.system,
        kind: item.kind,
        scenario: item.scenario,
        bug: item.bug,
        runs: 0,
        detected: 0,
        unknown: 0,
        medianDetectionMs: null,
        status: 'pending',
        reason: cannot,
      };
      rows.push(row);
      o.onRow?.(row);
      continue;
    }
    let detected = 0;
    let unknown = 0;
    const times: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const { verdict, detectionMs } = parseFuzzScenario(item.scenario) !== null ? await fuzzRun(item.scenario, item.system, o.seed + r) : await concurrencyRun(item, o, r);
      if (verdict === 'fail') {
        detected++;
        times.push(detectionMs);
      } else if (verdict === 'unknown') unknown++;
      o.onRun?.(item.system, item.scenario, r, verdict);
    }
    const status = item.kind === 'control' ? (detected === o.runs ? 'ok' : 'missed') : detected + unknown === 0 ? 'ok' : 'false-alarm';
    const row: SelftestRow = { system: item.system, kind: item.kind, scenario: item.scenario, bug: item.bug, runs: o.runs, detected, unknown, medianDetectionMs: median(times), status };
    rows.push(row);
    o.onRow?.(row);
  }
  return { rows, ok: rows.every((r) => r.status === 'ok' || r.status === 'pending') };
}

/** Why this machine cannot run a partitioned control (not root, no ip(8)), or undefined when it can. */
function noPartition(): string | undefined {
  try {
    checkNetPartition();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** A partitioned run's size: each iteration holds a cut of several seconds. */
const PARTITION_RUN = { iterations: 3, workers: 3, staleMs: 1000 };

/** One run of a concurrency scenario: failed or not, and how long until the first failing iteration. */
async function concurrencyRun(
  item: { system: string; kind: 'control' | 'core'; scenario: string; partition?: boolean },
  o: SelftestOptions,
  r: number,
): Promise<{ verdict: string; detectionMs: number }> {
  const outDir = join(o.outDir, 'runs', `${item.system}-${item.scenario}-${r}`);
  const { result, history, snapshots } = await runScenario({
    scenario: item.scenario,
    ...(item.partition === true ? { ...PARTITION_RUN, isolation: 'process' as const, partition: true } : { iterations: o.iterations, workers: o.workers, isolation: o.isolation }),
    seed: o.seed + r,
    outDir,
    maxCollisionRate: 0,
    sut: item.system,
    keep: [],
    retain: true, // the first detection is found in the iterations' own events and snapshots
  });
  // A control's failing roots are expected, not evidence worth keeping; the result.json stays.
  if (item.kind === 'control') rmSync(join(outDir, 'roots'), { recursive: true, force: true });
  return { verdict: result.verdict, detectionMs: result.verdict === 'fail' ? (firstDetectionMs(item.scenario, history ?? [], snapshots ?? []) ?? result.wallMs) : 0 };
}

/** One run of a fuzz scenario (crash points or power loss): the fuzzer stops at its first failure. */
async function fuzzRun(scenario: string, system: string, seed: number): Promise<{ verdict: string; detectionMs: number }> {
  const report = await runFuzzScenario(scenario, system, { seed });
  return { verdict: report.verdict, detectionMs: report.wallMs };
}
