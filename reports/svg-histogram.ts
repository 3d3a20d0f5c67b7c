// A latency histogram as SVG: log-spaced buckets (as harness/stats/hdr.ts folds them) drawn as
// translucent step areas on a log10 ms axis, several series overlaid (e.g. wait and hold).
import type { HistogramBucket } from '../harness/bench/bench-types.ts';
import { axes, colorOf, DEFAULT_FRAME, legend, svgDocument, type Frame } from './svg-chart.ts';
import { formatTick, linearScale, logScale } from './svg-scale.ts';
import { xmlText } from './xml-escape.ts';

/** One distribution of a histogram chart. */
export interface HistogramSeries {
  readonly name: string;
  readonly buckets: readonly HistogramBucket[];
  readonly color?: string;
}

const n = (v: number) => String(Math.round(v * 10) / 10);

/**
 * Overlaid histograms of the share of operations per bucket (so series with different counts
 * compare). `rangeMs` fixes the x axis, so that charts side by side share it.
 */
export function histogramChart(spec: { title: string; series: readonly HistogramSeries[]; rangeMs?: readonly [number, number]; frame?: Frame }): string {
  const frame = spec.frame ?? DEFAULT_FRAME;
  const plotBottom = frame.height - frame.bottom;
  const all = spec.series.flatMap((s) => s.buckets);
  const lo = spec.rangeMs?.[0] ?? Math.min(...all.map((b) => b.fromMs), 1);
  const hi = spec.rangeMs?.[1] ?? Math.max(...all.map((b) => b.toMs), 10);
  const x = logScale(lo, hi, frame.left + 4, frame.width - frame.right - 4);
  const shares = spec.series.map((s) => {
    const total = s.buckets.reduce((sum, b) => sum + b.count, 0);
    return s.buckets.map((b) => ({ ...b, share: total > 0 ? (b.count / total) * 100 : 0 }));
  });
  const maxShare = Math.max(1, ...shares.flat().map((b) => b.share));
  const y = linearScale(0, maxShare, plotBottom, frame.top, 4);
  const colors = spec.series.map((s, i) => s.color ?? colorOf(i));
  const parts = [axes(frame, y, '% of operations', 'milliseconds (log scale)')];
  for (const t of x.ticks) {
    parts.push(`<line x1="${n(x(t))}" y1="${plotBottom}" x2="${n(x(t))}" y2="${plotBottom + 4}" stroke="#888"/>`);
    parts.push(`<text x="${n(x(t))}" y="${plotBottom + 17}" text-anchor="middle" fill="#444">${xmlText(formatTick(t))}</text>`);
  }
  shares.forEach((buckets, i) => {
    if (buckets.length === 0) return;
    const pts: string[] = [`${n(x(buckets[0]!.fromMs))},${plotBottom}`];
    for (const b of buckets) {
      const top = n(y(b.share));
      pts.push(`${n(x(b.fromMs))},${top}`, `${n(x(b.toMs))},${top}`);
    }
    pts.push(`${n(x(buckets[buckets.length - 1]!.toMs))},${plotBottom}`);
    parts.push(`<polygon points="${pts.join(' ')}" fill="${colors[i]}" fill-opacity="0.35" stroke="${colors[i]}" stroke-width="1.5"/>`);
  });
  if (all.length === 0) parts.push(`<text x="${n((frame.left + frame.width - frame.right) / 2)}" y="${n((frame.top + plotBottom) / 2)}" text-anchor="middle" fill="#666">no samples</text>`);
  parts.push(
    legend(
      frame,
      spec.series.map((s) => s.name),
      colors,
    ),
  );
  return svgDocument(frame, spec.title, parts.join('\n'));
}
