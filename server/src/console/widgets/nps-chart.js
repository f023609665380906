// NPS charts: a column per store on the −100…100 scale, NPS over time (a line per store and for
// all, over columns of the answers counted), and a bar split into promoters, passives, detractors.
import uPlot from '../vendor/uplot.js';
import { h } from '../dom.js';
import { currentLanguage, t } from '../i18n.js';
import { categoryAxis, COLOURS, COUNT_STEPS, NPS_COLOURS, plot } from './plot.js';

const NPS_SCALE = { range: () => [-100, 100] };
const round = (nps) => (nps === null ? '—' : String(Math.round(nps)));

/** A column of NPS per row ({key, label, nps}), up for positive and down for negative; none without answers. */
export function npsBars(rows) {
  const axis = categoryAxis(rows.map((row) => row.label));
  const bars = (colour) => ({
    label: t('dashboard.nps'),
    fill: colour,
    stroke: colour,
    width: 0,
    points: { show: false },
    paths: uPlot.paths.bars({ size: [0.6, 64] }),
  });
  const data = [
    rows.map((_, i) => i),
    rows.map((row) => (row.nps !== null && row.nps >= 0 ? row.nps : null)),
    rows.map((row) => (row.nps !== null && row.nps < 0 ? row.nps : null)),
  ];
  const table = h(
    'table',
    {},
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          {
            'data-key': row.key,
            'data-nps': row.nps ?? '',
            class: row.nps === null ? null : row.nps >= 0 ? 'positive' : 'negative',
          },
          h('th', {}, row.label),
          h('td', {}, round(row.nps)),
        ),
      ),
    ),
  );
  return plot(
    {
      scales: { x: axis.scale, y: NPS_SCALE },
      axes: [axis.axis, { size: 44, splits: () => [-100, -50, 0, 50, 100] }],
      legend: { show: false },
      cursor: { y: false },
      series: [{}, bars(NPS_COLOURS.promoter), bars(NPS_COLOURS.detractor)],
    },
    data,
    { testId: 'nps-chart', table, height: 200 },
  );
}

/**
 * NPS per week or month: series is the /nps/series answer, stores [{id, name}] name its groups.
 * Columns count the answers of all stores (right axis); lines are NPS (left axis), all stores
 * thick, each store thin. A period without answers leaves a gap in its line.
 */
export function npsOverTime(series, stores) {
  const names = new Map(stores.map((s) => [s.id, s.name]));
  const labels = series.periods.map((start) => periodLabel(start, series.interval));
  const axis = categoryAxis(labels);
  // Stores come with their points when the dashboard shows them one by one (a chain: the total only).
  const groups = series.stores
    .filter((group) => group.points)
    .map((group, i) => ({
      label: group.storeId === null ? t('dashboard.noStore') : (names.get(group.storeId) ?? group.storeId),
      colour: COLOURS[(i + 1) % COLOURS.length],
      group,
    }));
  const line = (label, colour, width) => ({
    label,
    stroke: colour,
    width,
    scale: 'nps',
    spanGaps: false,
    points: { show: true, size: width * 3 + 2, fill: colour },
    value: (_u, v) => round(v ?? null),
  });
  const options = {
    scales: { x: axis.scale, nps: NPS_SCALE, n: { range: (_u, _min, max) => [0, Math.max(4, max) * 1.6] } },
    axes: [
      axis.axis,
      { scale: 'nps', size: 44, splits: () => [-100, -50, 0, 50, 100] },
      { scale: 'n', side: 1, size: 40, grid: { show: false }, incrs: COUNT_STEPS },
    ],
    cursor: { y: false },
    series: [
      { label: t('chart.period'), value: (_u, i) => labels[i] ?? '' },
      {
        label: t('dashboard.answers'),
        scale: 'n',
        fill: 'rgba(36, 88, 198, 0.15)',
        stroke: 'rgba(36, 88, 198, 0.3)',
        width: 0,
        points: { show: false },
        paths: uPlot.paths.bars({ size: [0.6, 48] }),
        value: (_u, v) => (v === null ? '' : String(v)),
      },
      line(t('dashboard.total'), COLOURS[0], 3),
      ...groups.map((g) => line(g.label, g.colour, 1.5)),
    ],
  };
  const data = [
    labels.map((_, i) => i),
    series.total.points.map((p) => p.answers),
    series.total.points.map((p) => p.nps),
    ...groups.map((g) => g.group.points.map((p) => p.nps)),
  ];
  const table = h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, t(`dashboard.interval.${series.interval}`)),
        h('th', {}, t('dashboard.total')),
        groups.map((g) => h('th', {}, g.label)),
      ),
    ),
    h(
      'tbody',
      {},
      series.periods.map((start, i) => {
        const cell = (point) => `${round(point.nps)} (${t('dashboard.answersCount', { count: point.answers })})`;
        return h(
          'tr',
          {
            'data-period': start,
            'data-nps': series.total.points[i].nps ?? '',
            'data-answers': series.total.points[i].answers,
          },
          h('th', {}, labels[i]),
          h('td', {}, cell(series.total.points[i])),
          groups.map((g) => h('td', { 'data-store-key': g.group.storeId ?? '' }, cell(g.group.points[i]))),
        );
      }),
    ),
  );
  return plot(options, data, { testId: 'nps-over-time', table, height: 260 });
}

/** "23 Nov" for a week starting then, "Nov 2026" for a month. */
function periodLabel(start, interval) {
  const date = new Date(`${start}T00:00:00Z`);
  const options = interval === 'month' ? { month: 'short', year: 'numeric' } : { day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(currentLanguage(), { ...options, timeZone: 'UTC' }).format(date);
}

/** One bar split into promoters, passives and detractors by their share of the answers. */
export function answerSplit(report) {
  const parts = [
    ['promoter', report.promoters],
    ['passive', report.passives],
    ['detractor', report.detractors],
  ];
  return h(
    'div',
    { class: 'split', role: 'img', 'aria-label': parts.map(([g, n]) => `${t(`dashboard.${g}s`)}: ${n}`).join(', ') },
    report.answers === 0
      ? null
      : parts.map(([group, count]) => {
          if (count === 0) return null;
          const part = h('span', { class: group });
          // Set through the CSSOM: the CSP refuses style attributes.
          part.style.flexGrow = String(count);
          return part;
        }),
  );
}
