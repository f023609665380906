// uPlot charts that fill their card and follow its width, with the figures they draw kept beside
// them as a table (read by screen readers and tests; shown with "Show as table").
import uPlot from '../vendor/uplot.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

export const COLOURS = ['#2458c6', '#2e9d5b', '#d8a31a', '#8e44ad', '#d14b3c', '#16a2b8', '#6c757d'];
/** Tick steps for counts: whole numbers only (uPlot would otherwise mark 0.2, 0.4… clips). */
export const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
export const NPS_COLOURS = { promoter: '#2e9d5b', passive: '#d8a31a', detractor: '#d14b3c', line: '#dde2ea' };

/**
 * options: uPlot options without width and height; data: uPlot's aligned data; table: the same
 * figures as a <table>. The chart is made once its box has a width (it is built detached) and
 * resized with it. The uPlot instance is kept as the box's `plot` property.
 */
export function plot(options, data, { testId, table, height = 220 }) {
  const box = h('div', { class: 'plot' });
  const observer = new window.ResizeObserver(([entry]) => {
    const width = Math.floor(entry.contentRect.width);
    if (width === 0) return;
    if (box.plot) box.plot.setSize({ width, height });
    else {
      box.plot = new uPlot({ ...options, width, height }, data, box);
      wrapper.setAttribute('data-drawn', '');
    }
  });
  observer.observe(box);
  const wrapper = h(
    'div',
    { class: 'plot-card', 'data-testid': testId },
    box,
    h('details', { class: 'plot-table' }, h('summary', {}, t('chart.asTable')), table),
  );
  wrapper.plot = () => box.plot;
  return wrapper;
}

/**
 * An x axis of categories (days, hours, stores) drawn at 0..n−1 with their labels, as many as fit:
 * every second, third… label is left out when the chart is too narrow for all of them.
 */
export function categoryAxis(labels) {
  const labelPx = Math.max(...labels.map((label) => String(label).length), 2) * 7 + 14;
  return {
    scale: { time: false, range: () => [-0.5, labels.length - 0.5] },
    axis: {
      splits: (u) => {
        const room = Math.max(1, Math.floor(u.bbox.width / window.devicePixelRatio / labelPx));
        const every = Math.ceil(labels.length / room);
        return labels.map((_, i) => i).filter((i) => i % every === 0);
      },
      values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
      grid: { show: false },
    },
  };
}

/**
 * Columns stacked per category: series [{label, colour, values}] with one value per category.
 * uPlot has no stacking of its own: each series is drawn at its running total, the tallest first,
 * so each shows as its own band; the legend and table show the series' own counts.
 */
export function stackedColumns(labels, series, { testId, table, height = 220 }) {
  const running = labels.map(() => 0);
  const stacked = series.map((s) => s.values.map((v, i) => (running[i] += v ?? 0)));
  const axis = categoryAxis(labels);
  const order = series.map((_, i) => i).reverse();
  const options = {
    scales: { x: axis.scale, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [axis.axis, { size: 44, incrs: COUNT_STEPS }],
    legend: { live: false },
    cursor: { y: false },
    series: [
      { label: '' },
      ...order.map((i) => ({
        label: series[i].label,
        fill: series[i].colour,
        stroke: series[i].colour,
        width: 0,
        points: { show: false },
        paths: uPlot.paths.bars({ size: [0.7, 48] }),
        value: (_u, _v, _s, at) => (at === null ? '' : String(series[i].values[at] ?? 0)),
      })),
    ],
  };
  const data = [labels.map((_, i) => i), ...order.map((i) => stacked[i])];
  return plot(options, data, { testId, table, height });
}
