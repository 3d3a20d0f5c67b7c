import type { SelftestRow } from '../harness/selftest/selftest.ts';
import { tableRow } from './markdown-text.ts';
import { formatMs } from './number-format.ts';

const STATUS: Record<SelftestRow['status'], string> = {
  ok: 'ok',
  missed: 'MISSED',
  'false-alarm': 'FALSE ALARM',
  pending: 'pending',
};

/** The selftest table for people: control, bug, detected k of N, median time to first detection. */
export function renderSelftestMarkdown(rows: readonly SelftestRow[], ok: boolean, settings: string): string {
  const lines = [
    `## racetrack selftest: ${ok ? 'PASS' : 'FAIL'}`,
    '',
    `Settings: ${settings}. A control must be detected in every run; the core must pass every run. Pending controls need machinery that is not built yet and count neither way.`,
    '',
    tableRow(['system', 'scenario', 'the bug', 'detected', 'median time to first detection', 'status']),
    tableRow(['---', '---', '---', '---:', '---:', '---']),
  ];
  for (const r of rows) {
    const detected = r.status === 'pending' ? '-' : `${r.detected} of ${r.runs}`;
    const time = r.medianDetectionMs === null ? '-' : formatMs(r.medianDetectionMs);
    lines.push(tableRow([r.system, r.scenario, r.bug, detected, time, STATUS[r.status]]));
  }
  return `${lines.join('\n')}\n`;
}
