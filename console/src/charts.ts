import { h, svg } from './dom.ts';

export interface Series {
  readonly label: string;
  /** A CSS class giving the line its colour (no inline style: the CSP forbids it). */
  readonly className: string;
  readonly points: readonly (number | null)[];
}

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { left: 48, right: 8, top: 8, bottom: 20 };

/** A rounded top for the y axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}

/**
 * A line chart as inline SVG, sized by CSS. For screen readers it is an image whose label states
 * the latest value of each series; the same figures are in the table next to it.
 */
export function lineChart(
  title: string,
  unit: string,
  series: readonly Series[],
  secondsPerPoint: number,
): HTMLElement {
  const count = Math.max(2, ...series.map((s) => s.points.length));
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.points.filter((p): p is number => p !== null))));
  const x = (i: number) => PAD.left + (i / (count - 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => HEIGHT - PAD.bottom - (v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const format = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const latest = series
    .map((s) => {
      const last = [...s.points].reverse().find((p) => p !== null);
      return `${s.label} ${last === undefined || last === null ? 'no data' : `${format(last)} ${unit}`}`;
    })
    .join(', ');
  const grid = [0, 0.5, 1].map((f) =>
    svg(
      'g',
      { class: 'grid' },
      svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(max * f), y2: y(max * f) }),
      Object.assign(svg('text', { x: PAD.left - 6, y: y(max * f) + 4, 'text-anchor': 'end' }), {
        textContent: format(max * f),
      }),
    ),
  );
  const lines = series.map((s) => {
    const d = s.points
      .map((p, i) => (p === null ? null : `${x(i + count - s.points.length).toFixed(1)},${y(p).toFixed(1)}`))
      .filter((p): p is string => p !== null)
      .join(' ');
    return svg('polyline', { class: `line ${s.className}`, points: d, fill: 'none' });
  });
  const span = Math.round((count - 1) * secondsPerPoint);
  const axis = Object.assign(svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 4, 'text-anchor': 'end' }), {
    textContent: `last ${span} s`,
  });
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${title}: ${latest}` },
    ...grid,
    ...lines,
    axis,
  );
  return h(
    'figure',
    { class: 'chart' },
    h(
      'figcaption',
      {},
      title,
      h(
        'span',
        { class: 'legend' },
        series.map((s) => h('span', { class: `key ${s.className}` }, s.label)),
      ),
    ),
    chart,
  );
}
