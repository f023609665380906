// Clips per day as columns, each split by store: is the button being used, and where. The same
// chart draws presses per local hour split by device (coverage): columns are then hours, series devices.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { COLOURS, stackedColumns } from './plot.js';

const NO_STORE_COLOUR = '#9aa3b0';

/**
 * rows: [{storeId, day, clips}]; days: every column, in order; stores: [{id, name}] for the
 * series. Rows of no store (storeId null) get a series of their own, so that the columns add up
 * to every clip counted. options.tick: a column's label (default: the day without its year).
 */
export function volumeChart(rows, days, stores, { tick = (day) => day.slice(5), testId = 'volume-chart' } = {}) {
  const series = [...stores];
  if (rows.some((row) => row.storeId === null && row.clips > 0))
    series.push({ id: null, name: t('dashboard.noStore') });
  const counts = new Map(series.map((s) => [s.id, new Map()]));
  for (const row of rows) {
    const perDay = counts.get(row.storeId);
    if (perDay) perDay.set(row.day, (perDay.get(row.day) ?? 0) + row.clips);
  }
  const values = series.map((s) => days.map((day) => counts.get(s.id).get(day) ?? 0));
  const totals = days.map((_, i) => values.reduce((sum, v) => sum + v[i], 0));
  const table = h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, ''),
        series.map((s) => h('th', {}, s.name)),
        h('th', {}, t('chart.total')),
      ),
    ),
    h(
      'tbody',
      {},
      days.map((day, d) =>
        h(
          'tr',
          { 'data-day': day, 'data-clips': totals[d] },
          h('th', {}, tick(day)),
          series.map((s, i) => h('td', { 'data-series': s.id ?? '' }, String(values[i][d]))),
          h('td', {}, String(totals[d])),
        ),
      ),
    ),
  );
  return stackedColumns(
    days.map(tick),
    series.map((s, i) => ({
      label: s.name,
      colour: s.id === null ? NO_STORE_COLOUR : COLOURS[i % COLOURS.length],
      values: values[i],
    })),
    { testId, table },
  );
}
