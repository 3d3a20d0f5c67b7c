import type { RunResult } from '../harness/engine/run-result.ts';
import { toJsonData } from './compact-json.ts';

/**
 * `result.json`: the run result as pretty JSON (two-space indent) with a trailing newline.
 * Keys come in a fixed order, what the run was asked first (the RecordedRequest), then what it
 * found, whatever order the runner built the object in, so two results diff cleanly; keys not
 * listed yet follow, in their own order. Optional fields that are absent (`exec`, `faults`) are left out, not written as null.
 * Examples and stats go through {@link toJsonData}, so a bigint or a cycle cannot break the file.
 */
export function renderResultJson(result: RunResult): string {
  return `${JSON.stringify(toJsonData(orderResult(result)), null, 2)}\n`;
}

const RESULT_KEYS = [
  'verdict',
  'scenario',
  'sut',
  'exec',
  'setup',
  'recover',
  'cwd',
  'trace',
  'syscallFaults',
  'store',
  'partition',
  'keep',
  'iterations',
  'workers',
  'isolation',
  'hosts',
  'seed',
  'maxCollisionRate',
  'staleMs',
  'killRate',
  'pauseRate',
  'runtime',
  'operations',
  'collisions',
  'extraHolders',
  'collidingIterations',
  'collisionRate',
  'collisionRateUpper95',
  'violations',
  'checks',
  'notChecked',
  'lockHold',
  'lockWait',
  'wallMs',
  'startedAt',
  'outDir',
  'faults',
] as const;
const RUNTIME_KEYS = ['name', 'version'] as const;
const OPERATION_KEYS = ['attempted', 'ok', 'fail', 'info'] as const;
const VIOLATION_KEYS = ['checker', 'message', 'example'] as const;
const CHECK_KEYS = ['checker', 'verdict', 'message', 'examples', 'collisions', 'stats'] as const;
const NOT_CHECKED_KEYS = ['checker', 'reason'] as const;
const LATENCY_KEYS = ['count', 'p50Ms', 'p99Ms', 'maxMs'] as const;

function orderResult(result: RunResult): Record<string, unknown> {
  const ordered = inOrder(result, RESULT_KEYS);
  ordered.runtime = inOrder(result.runtime, RUNTIME_KEYS);
  ordered.operations = inOrder(result.operations, OPERATION_KEYS);
  ordered.violations = result.violations.map((v) => inOrder(v, VIOLATION_KEYS));
  ordered.checks = result.checks.map((c) => inOrder(c, CHECK_KEYS));
  ordered.notChecked = result.notChecked.map((n) => inOrder(n, NOT_CHECKED_KEYS));
  ordered.lockHold = result.lockHold === null ? null : inOrder(result.lockHold, LATENCY_KEYS);
  ordered.lockWait = result.lockWait === null ? null : inOrder(result.lockWait, LATENCY_KEYS);
  return ordered;
}

/** A copy of `source` with `keys` first, in that order, then its other keys; undefined values dropped. */
function inOrder(source: object, keys: readonly string[]): Record<string, unknown> {
  const record = source as Record<string, unknown>;
  const out: Record<string, unknown> = Object.create(null);
  for (const key of [...keys, ...Object.keys(record)]) {
    if (!Object.hasOwn(out, key) && record[key] !== undefined) out[key] = record[key];
  }
  return out;
}
