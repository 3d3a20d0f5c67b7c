// Scales and tick marks for the hand-written SVG charts: value → pixel, linear or log10.

/** Maps a value in the domain to a pixel in the range; `ticks` are the values worth labelling. */
export interface Scale {
  (value: number): number;
  readonly ticks: readonly number[];
  readonly log: boolean;
}

/** A short label for a tick or value: `0.05`, `1.5`, `120`, `12k`, `1.2M`. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a >= 1) return String(Number(v.toPrecision(3)));
  return String(Number(v.toPrecision(2)));
}

/** A step of 1, 2 or 5 × 10^k giving about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / magnitude;
  return (ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 5 ? 5 : 10) * magnitude;
}

/** Linear scale over [min, max] (widened to nice steps), onto pixels [from, to]. */
export function linearScale(min: number, max: number, from: number, to: number, tickCount = 5): Scale {
  if (!(max > min)) max = min + (min === 0 ? 1 : Math.abs(min));
  const step = niceStep(max - min, tickCount);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  const f = (v: number) => from + ((v - lo) / (hi - lo)) * (to - from);
  return Object.assign(f, { ticks, log: false });
}

/** Log10 scale over [min, max] (positive; widened to whole decades), onto pixels [from, to]. */
export function logScale(min: number, max: number, from: number, to: number): Scale {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-9)));
  let hi = Math.ceil(Math.log10(Math.max(max, min, 1e-9)));
  if (hi <= lo) hi = lo + 1;
  const ticks: number[] = [];
  const decades = hi - lo;
  for (let e = lo; e <= hi; e++) {
    ticks.push(Number((10 ** e).toPrecision(12)));
    // Label 2 and 5 too when there are few decades, so a short range still reads.
    if (decades <= 2 && e < hi) ticks.push(Number((2 * 10 ** e).toPrecision(12)), Number((5 * 10 ** e).toPrecision(12)));
  }
  ticks.sort((a, b) => a - b);
  const f = (v: number) => from + ((Math.log10(Math.max(v, 1e-9)) - lo) / (hi - lo)) * (to - from);
  return Object.assign(f, { ticks, log: true });
}

/** A log scale when the positive values span more than `factor`, else a linear one from 0. */
export function autoScale(values: readonly number[], from: number, to: number, factor = 30): Scale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length === 0) return linearScale(0, 1, from, to);
  const min = Math.min(...positive);
  const max = Math.max(...positive);
  return max / min > factor ? logScale(min, max, from, to) : linearScale(0, max, from, to);
}
