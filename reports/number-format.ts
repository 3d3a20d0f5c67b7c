/**
 * A rate in [0, 1] as a percentage for people: `0%` and `100%` exactly; one decimal from 1% up
 * (`3.0%`, `33.3%`); two significant digits below 1% (`0.30%`, `0.0013%`), so a small bound never
 * reads as `0.0%`. Anything not a finite number prints as `n/a`.
 */
export function formatPercent(rate: number): string {
  if (!Number.isFinite(rate)) return 'n/a';
  if (rate === 0 || rate === 1) return `${rate * 100}%`;
  const percent = rate * 100;
  return percent >= 1 ? `${percent.toFixed(1)}%` : `${percent.toPrecision(2)}%`;
}

/** Milliseconds to three significant digits, without exponent: `0.0123 ms`, `1.5 ms`, `12300 ms`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return `${Number(ms.toPrecision(3))} ms`;
}

/** A wall time: `850 ms` below a second, then seconds with two decimals (`12.35 s`). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A rate per second for people: two significant digits below 100 (`3.5/s`, `0.25/s`), whole numbers from there (`4567/s`). */
export function formatPerSecond(rate: number): string {
  if (!Number.isFinite(rate)) return 'n/a';
  return `${rate >= 100 ? Math.round(rate) : Number(rate.toPrecision(2))}/s`;
}
