// Charts of NPS reports, drawn as SVG: a bar per store on the −100…100 scale, and a stacked bar
// of promoters, passives and detractors.
import { svg } from '../dom.js';

/** Horizontal bars of NPS per row, zero in the middle; rows without answers get no bar. */
export function npsBars(rows) {
  const rowHeight = 28;
  const labelWidth = 160;
  const width = 560;
  const scale = (width - labelWidth - 50) / 200;
  const zero = labelWidth + 100 * scale;
  const height = rows.length * rowHeight + 24;
  return svg(
    'svg',
    { class: 'chart nps-bars', viewBox: `0 0 ${width} ${height}`, role: 'img', 'data-testid': 'nps-chart' },
    [-100, -50, 0, 50, 100].map((tick) => [
      svg('line', {
        x1: zero + tick * scale,
        x2: zero + tick * scale,
        y1: 0,
        y2: height - 18,
        class: tick === 0 ? 'axis' : 'grid',
      }),
      svg('text', { x: zero + tick * scale, y: height - 4, 'text-anchor': 'middle', class: 'tick' }, String(tick)),
    ]),
    rows.map((row, i) => {
      const y = i * rowHeight + 4;
      const label = svg('text', { x: labelWidth - 8, y: y + 15, 'text-anchor': 'end', class: 'label' }, row.label);
      if (row.nps === null) return label;
      const x = row.nps >= 0 ? zero : zero + row.nps * scale;
      return [
        label,
        svg('rect', {
          x,
          y,
          width: Math.max(1, Math.abs(row.nps) * scale),
          height: rowHeight - 10,
          class: row.nps >= 0 ? 'positive' : 'negative',
        }),
        svg(
          'text',
          {
            x: row.nps >= 0 ? x + Math.abs(row.nps) * scale + 4 : x - 4,
            y: y + 14,
            'text-anchor': row.nps >= 0 ? 'start' : 'end',
            class: 'value',
          },
          String(Math.round(row.nps)),
        ),
      ];
    }),
  );
}

/** One bar split into promoters, passives and detractors by their share of the answers. */
export function answerSplit(report) {
  const width = 300;
  const parts = [
    ['promoter', report.promoters],
    ['passive', report.passives],
    ['detractor', report.detractors],
  ];
  let x = 0;
  return svg(
    'svg',
    { class: 'chart split', viewBox: `0 0 ${width} 14`, preserveAspectRatio: 'none', role: 'img' },
    report.answers === 0
      ? svg('rect', { x: 0, y: 0, width, height: 14, class: 'empty' })
      : parts.map(([group, count]) => {
          const w = (count / report.answers) * width;
          const rect = svg('rect', { x, y: 0, width: w, height: 14, class: group });
          x += w;
          return rect;
        }),
  );
}
