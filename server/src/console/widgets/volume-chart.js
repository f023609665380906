// Clips per day as SVG columns, each split by store: is the button being used, and where. The same
// chart draws presses per local hour split by device (coverage): columns are then hours, series devices.
import { h, svg } from '../dom.js';

const STORE_COLOURS = ['#2458c6', '#2e9d5b', '#d8a31a', '#8e44ad', '#d14b3c', '#16a2b8', '#6c757d'];

/**
 * rows: [{storeId, day, clips}]; days: every day of the period, in order; stores: [{id, name}].
 * options.tick: a column's label under the axis (default: the day without its year); options.testId.
 */
export function volumeChart(rows, days, stores, { tick = (day) => day.slice(5), testId = 'volume-chart' } = {}) {
  const colourOf = new Map(stores.map((store, i) => [store.id, STORE_COLOURS[i % STORE_COLOURS.length]]));
  const perDay = new Map(days.map((day) => [day, new Map()]));
  for (const row of rows) {
    const counts = perDay.get(row.day);
    if (counts) counts.set(row.storeId, (counts.get(row.storeId) ?? 0) + row.clips);
  }
  const highest = Math.max(1, ...[...perDay.values()].map((c) => [...c.values()].reduce((a, b) => a + b, 0)));
  const column = 28;
  const chartHeight = 140;
  const width = days.length * column + 40;
  const scale = chartHeight / highest;
  const chart = svg(
    'svg',
    {
      class: 'chart volume',
      // Room above the top for the tallest column's label.
      viewBox: `0 -18 ${width} ${chartHeight + 52}`,
      role: 'img',
      'data-testid': testId,
    },
    svg('line', { x1: 30, x2: width, y1: chartHeight, y2: chartHeight, class: 'axis' }),
    svg('text', { x: 26, y: 10, 'text-anchor': 'end', class: 'tick' }, String(highest)),
    svg('text', { x: 26, y: chartHeight, 'text-anchor': 'end', class: 'tick' }, '0'),
    days.map((day, i) => {
      const counts = perDay.get(day);
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const x = 34 + i * column;
      let y = chartHeight;
      return svg(
        'g',
        { 'data-day': day, 'data-clips': total },
        svg('title', {}, `${day}: ${total}`),
        stores.map((store) => {
          const count = counts.get(store.id) ?? 0;
          if (count === 0) return null;
          y -= count * scale;
          return svg('rect', { x, y, width: column - 6, height: count * scale, fill: colourOf.get(store.id) });
        }),
        total > 0
          ? svg('text', { x: x + (column - 6) / 2, y: y - 3, 'text-anchor': 'middle', class: 'value' }, String(total))
          : null,
        i % Math.ceil(days.length / 10) === 0
          ? svg(
              'text',
              { x: x + (column - 6) / 2, y: chartHeight + 16, 'text-anchor': 'middle', class: 'tick' },
              tick(day),
            )
          : null,
      );
    }),
  );
  const legend = h(
    'div',
    { class: 'legend' },
    stores.map((store) =>
      h(
        'span',
        {},
        svg(
          'svg',
          { class: 'swatch', viewBox: '0 0 10 10' },
          svg('rect', { width: 10, height: 10, fill: colourOf.get(store.id) }),
        ),
        store.name,
      ),
    ),
  );
  return h('div', {}, chart, legend);
}
