/**
 * Figures and the chart of a load report: percentiles, and an SVG of the send rate and the
 * P95 ingest latency per second, runs laid end to end (written by hand, no chart library).
 */

/** The `p`th percentile (nearest rank) of `values`; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** One run's timeline: sends per second and their P95 latency, from `offsetS` on the chart. */
export interface Series {
  name: string;
  offsetS: number;
  points: { second: number; rate: number; p95: number }[];
}

const WIDTH = 960;
const HEIGHT = 420;
const LEFT = 60;
const RIGHT = 60;
const TOP = 30;
const BOTTOM = 60;

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The chart: rate (msg/s, left axis, blue) and P95 ingest ms (right axis, red). */
export function chartSvg(series: readonly Series[]): string {
  const points = series.flatMap((s) => s.points.map((p) => ({ ...p, x: s.offsetS + p.second })));
  const maxX = Math.max(1, ...points.map((p) => p.x), ...series.map((s) => s.offsetS + 1));
  const maxRate = Math.max(1, ...points.map((p) => p.rate)) * 1.1;
  const maxLatency = Math.max(50, ...points.map((p) => p.p95)) * 1.1;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (second: number) => LEFT + (second / maxX) * plotW;
  const yRate = (rate: number) => TOP + plotH - (rate / maxRate) * plotH;
  const yLatency = (ms: number) => TOP + plotH - (ms / maxLatency) * plotH;
  const path = (values: { x: number; y: number }[]) =>
    values.map((v, i) => `${i === 0 ? 'M' : 'L'}${v.x.toFixed(1)},${v.y.toFixed(1)}`).join(' ');

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<line x1="${LEFT}" y1="${TOP + plotH}" x2="${LEFT + plotW}" y2="${TOP + plotH}" stroke="#333"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}" stroke="#1f5fbf"/>`,
    `<line x1="${LEFT + plotW}" y1="${TOP}" x2="${LEFT + plotW}" y2="${TOP + plotH}" stroke="#c0392b"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const rate = (maxRate * i) / 4;
    const ms = (maxLatency * i) / 4;
    const y = TOP + plotH - (plotH * i) / 4;
    parts.push(
      `<line x1="${LEFT}" y1="${y}" x2="${LEFT + plotW}" y2="${y}" stroke="#eee"/>`,
      `<text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" fill="#1f5fbf">${rate.toFixed(0)}</text>`,
      `<text x="${LEFT + plotW + 6}" y="${y + 4}" fill="#c0392b">${ms.toFixed(0)}</text>`,
    );
  }
  // The 50 ms target of the ramp.
  parts.push(
    `<line x1="${LEFT}" y1="${yLatency(50)}" x2="${LEFT + plotW}" y2="${yLatency(50)}" stroke="#c0392b" stroke-dasharray="4 4"/>`,
  );
  for (const s of series) {
    const start = x(s.offsetS);
    parts.push(
      `<line x1="${start}" y1="${TOP}" x2="${start}" y2="${TOP + plotH}" stroke="#bbb" stroke-dasharray="2 3"/>`,
      `<text x="${start + 2}" y="${TOP + plotH + 14}" transform="rotate(30 ${start + 2} ${TOP + plotH + 14})">${escape(s.name)}</text>`,
    );
    const sorted = [...s.points].sort((a, b) => a.second - b.second);
    const at = (second: number) => x(s.offsetS + second);
    parts.push(
      `<path d="${path(sorted.map((p) => ({ x: at(p.second), y: yRate(p.rate) })))}" fill="none" stroke="#1f5fbf" stroke-width="1.5"/>`,
      `<path d="${path(sorted.map((p) => ({ x: at(p.second), y: yLatency(p.p95) })))}" fill="none" stroke="#c0392b" stroke-width="1.5"/>`,
    );
  }
  parts.push(
    `<text x="${LEFT}" y="${TOP - 10}" fill="#1f5fbf">sent msg/s</text>`,
    `<text x="${LEFT + plotW}" y="${TOP - 10}" text-anchor="end" fill="#c0392b">P95 ingest ms (dashed: 50 ms)</text>`,
    `<text x="${LEFT + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">seconds (runs end to end)</text>`,
    '</svg>',
    '',
  );
  return parts.join('\n');
}
