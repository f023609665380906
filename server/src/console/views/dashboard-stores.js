// A chain's stores in one table, lowest NPS first: above a handful of stores, a card per store
// makes a page of hundreds of cards and a bar per store a chart nobody can read. Each store links
// to its lowest-scored clips in the list.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { dataTable } from '../widgets/data-table.js';

/**
 * rows: `{ store, report, group }` per store, with the store's /nps/stores report and its group of
 * the NPS series (for the change on the period before); `narrowing` (question, from, to: the
 * dashboard's period) carries over to the links.
 */
export function storeTable(rows, narrowing) {
  const sorted = [...rows].sort(
    (a, b) =>
      (a.report.nps === null) - (b.report.nps === null) ||
      (a.report.nps ?? 0) - (b.report.nps ?? 0) ||
      b.report.answers - a.report.answers ||
      a.store.name.localeCompare(b.store.name),
  );
  const cell = (field, text) => h('td', { 'data-field': field }, text);
  return h(
    'section',
    { class: 'card', 'data-testid': 'store-table' },
    h('h2', {}, t('dashboard.chart')),
    h('p', { class: 'muted' }, t('dashboard.storeTableNote', { stores: rows.length })),
    dataTable(
      ['store', 'nps', 'answers', 'promoters', 'passives', 'detractors', 'unscored', 'change'].map((c) =>
        t(`dashboard.storeTable.${c}`),
      ),
      sorted.map(({ store, report, group }) => {
        const link = new URLSearchParams({ ...defined(narrowing), storeId: store.id, sort: 'lowest' });
        return h(
          'tr',
          { 'data-store-id': store.id },
          h('td', { 'data-field': 'store' }, h('a', { href: `#/clips?${link}` }, store.name)),
          cell('nps', report.nps === null ? '—' : String(Math.round(report.nps))),
          cell('answers', String(report.answers)),
          cell('promoters', String(report.promoters)),
          cell('passives', String(report.passives)),
          cell('detractors', String(report.detractors)),
          cell('unscored', String(report.unscored)),
          cell('change', change(group)),
        );
      }),
      { class: 'stores' },
    ),
  );
}

/** "+6", "−3", "±0" on the period before; "—" when either period has no answers. */
function change(group) {
  if (!group?.previous || group.nps === null || group.previous.nps === null) return '—';
  const by = Math.round(group.nps) - Math.round(group.previous.nps);
  return by > 0 ? `+${by}` : by < 0 ? `−${-by}` : '±0';
}

function defined(fields) {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== ''));
}
