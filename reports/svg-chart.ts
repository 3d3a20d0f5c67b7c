// Hand-written SVG charts for the bench report: pure functions from data to an <svg> string, no
// library, no external font, script or URL, so the HTML that holds them opens offline.
import { autoScale, formatTick, linearScale, type Scale } from './svg-scale.ts';
import { xmlAttr, xmlText } from './xml-escape.ts';

/** Okabe–Ito colours (safe for colour-blind readers); series take them in order. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

/** The palette colour of the `index`-th series, wrapping around. */
export function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** A chart's size and the margins around its plot area, in px. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Room for a full-width chart with its legend on the right. */
export const DEFAULT_FRAME: Frame = { width: 760, height: 340, left: 70, right: 170, top: 40, bottom: 52 };

const n = (v: number) => String(Math.round(v * 10) / 10);

/** The <svg> element around `body`, with its title (for screen readers and tooltips) and a heading. */
export function svgDocument(frame: Frame, title: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}" role="img" aria-label="${xmlAttr(title)}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12">`,
    `<title>${xmlText(title)}</title>`,
    `<rect x="0" y="0" width="${frame.width}" height="${frame.height}" fill="#ffffff"/>`,
    `<text x="${frame.left}" y="22" font-size="15" font-weight="600" fill="#111">${xmlText(title)}</text>`,
    body,
    '</svg>',
  ].join('\n');
}

/** Horizontal grid lines with labels at `y.ticks`, and the axis titles. */
export function axes(frame: Frame, y: Scale, yLabel: string, xLabel: string): string {
  const x0 = frame.left;
  const x1 = frame.width - frame.right;
  const parts: string[] = [];
  for (const t of y.ticks) {
    const py = y(t);
    parts.push(`<line x1="${x0}" y1="${n(py)}" x2="${x1}" y2="${n(py)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${x0 - 6}" y="${n(py + 4)}" text-anchor="end" fill="#444">${xmlText(formatTick(t))}</text>`);
  }
  const yMid = (frame.top + frame.height - frame.bottom) / 2;
  parts.push(`<text transform="translate(16 ${n(yMid)}) rotate(-90)" text-anchor="middle" fill="#222">${xmlText(yLabel + (y.log ? ' (log scale)' : ''))}</text>`);
  parts.push(`<text x="${n((x0 + x1) / 2)}" y="${frame.height - 10}" text-anchor="middle" fill="#222">${xmlText(xLabel)}</text>`);
  parts.push(`<line x1="${x0}" y1="${frame.height - frame.bottom}" x2="${x1}" y2="${frame.height - frame.bottom}" stroke="#888"/>`);
  return parts.join('\n');
}

/** A legend to the right of the plot: a swatch and a name per series. */
export function legend(frame: Frame, names: readonly string[], colors: readonly string[]): string {
  const x = frame.width - frame.right + 16;
  return names
    .map((name, i) => {
      const y = frame.top + 10 + i * 20;
      return `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${colors[i]}"/><text x="${x + 18}" y="${y + 1}" fill="#222">${xmlText(name)}</text>`;
    })
    .join('\n');
}

/** One line of a line chart. */
export interface LineSeries {
  readonly name: string;
  /** `lo`–`hi`, when given, draw a whisker around the point (e.g. the range of repeated runs). */
  readonly points: readonly { readonly x: number; readonly y: number; readonly lo?: number | undefined; readonly hi?: number | undefined }[];
}

/**
 * A line chart: one polyline with dots per series over a shared x axis (e.g. workers), the y axis
 * switching to log10 when the values span more than 30×, so a slow peer and a fast one both read.
 */
export function lineChart(spec: { title: string; xLabel: string; yLabel: string; series: readonly LineSeries[]; frame?: Frame }): string {
  const frame = spec.frame ?? DEFAULT_FRAME;
  const xs = [...new Set(spec.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const ys = spec.series.flatMap((s) => s.points.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]));
  const plotBottom = frame.height - frame.bottom;
  const y = autoScale(ys, plotBottom, frame.top);
  const x = linearScale(Math.min(0, ...xs), Math.max(1, ...xs), frame.left + 10, frame.width - frame.right - 10, 8);
  const parts = [axes(frame, y, spec.yLabel, spec.xLabel)];
  for (const t of xs) parts.push(`<text x="${n(x(t))}" y="${plotBottom + 18}" text-anchor="middle" fill="#444">${xmlText(formatTick(t))}</text>`);
  spec.series.forEach((s, i) => {
    const color = colorOf(i);
    const pts = s.points.filter((p) => Number.isFinite(p.y) && (!y.log || p.y > 0));
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${pts.map((p) => `${n(x(p.x))},${n(y(p.y))}`).join(' ')}"/>`);
    for (const p of pts) {
      if (p.lo !== undefined && p.hi !== undefined && (!y.log || p.lo > 0)) {
        const cx = x(p.x) + (i - (spec.series.length - 1) / 2) * 3; // nudged so that whiskers of one x do not hide each other
        parts.push(`<line x1="${n(cx)}" y1="${n(y(p.lo))}" x2="${n(cx)}" y2="${n(y(p.hi))}" stroke="${color}" stroke-width="1.5" stroke-opacity="0.7"/>`);
        for (const end of [p.lo, p.hi]) parts.push(`<line x1="${n(cx - 4)}" y1="${n(y(end))}" x2="${n(cx + 4)}" y2="${n(y(end))}" stroke="${color}" stroke-width="1.5" stroke-opacity="0.7"/>`);
      }
      parts.push(`<circle cx="${n(x(p.x))}" cy="${n(y(p.y))}" r="4" fill="${color}"><title>${xmlText(`${s.name}: ${formatTick(p.y)} at ${p.x}`)}</title></circle>`);
    }
  });
  parts.push(
    legend(
      frame,
      spec.series.map((s) => s.name),
      spec.series.map((_, i) => colorOf(i)),
    ),
  );
  return svgDocument(frame, spec.title, parts.join('\n'));
}

/** One bar per category, in one colour. */
export interface BarSeries {
  readonly name: string;
  /** One value per category; null draws no bar ("not measured"). */
  readonly values: readonly (number | null)[];
  readonly color?: string;
}

/**
 * Grouped bars: one group per category, one bar per series, each labelled with its value. With a
 * single series, `categoryColors` colours each bar as its category is coloured elsewhere.
 */
export function barChart(spec: { title: string; yLabel: string; categories: readonly string[]; series: readonly BarSeries[]; frame?: Frame; categoryColors?: readonly string[] }): string {
  const frame = spec.frame ?? DEFAULT_FRAME;
  const plotBottom = frame.height - frame.bottom;
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const y = autoScale(values, plotBottom, frame.top);
  const x0 = frame.left + 8;
  const groupWidth = (frame.width - frame.right - 8 - x0) / Math.max(1, spec.categories.length);
  const barWidth = Math.min(48, (groupWidth * 0.8) / Math.max(1, spec.series.length));
  const colors = spec.series.map((s, i) => s.color ?? colorOf(i));
  const parts = [axes(frame, y, spec.yLabel, '')];
  // Labels wider than their group would run into each other: put every other one a line lower.
  const crowded = spec.categories.some((c) => c.length * 7 > groupWidth - 4);
  const valueFont = barWidth < 24 ? 9 : 10;
  spec.categories.forEach((category, c) => {
    const gx = x0 + c * groupWidth + (groupWidth - barWidth * spec.series.length) / 2;
    const ly = plotBottom + 18 + (crowded && c % 2 === 1 ? 14 : 0);
    parts.push(`<text x="${n(x0 + (c + 0.5) * groupWidth)}" y="${ly}" text-anchor="middle" fill="#222">${xmlText(category)}</text>`);
    spec.series.forEach((s, i) => {
      const v = s.values[c];
      if (v === null || v === undefined || !Number.isFinite(v) || (y.log && v <= 0)) return;
      const top = y(v);
      const bx = gx + i * barWidth;
      const fill = spec.series.length === 1 && spec.categoryColors?.[c] !== undefined ? spec.categoryColors[c] : colors[i];
      parts.push(
        `<rect x="${n(bx + 1)}" y="${n(top)}" width="${n(barWidth - 2)}" height="${n(Math.max(1, plotBottom - top))}" fill="${fill}"><title>${xmlText(`${s.name} · ${category}: ${formatTick(v)}`)}</title></rect>`,
      );
      parts.push(`<text x="${n(bx + barWidth / 2)}" y="${n(top - 4)}" text-anchor="middle" font-size="${valueFont}" fill="#333">${xmlText(formatTick(v))}</text>`);
    });
  });
  if (spec.series.length > 1)
    parts.push(
      legend(
        frame,
        spec.series.map((s) => s.name),
        colors,
      ),
    );
  return svgDocument(frame, spec.title, parts.join('\n'));
}
