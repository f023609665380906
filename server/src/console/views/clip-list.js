// The clip list: filters, transcript search and order kept in the address (#/clips?storeId=…&q=…),
// so that a link, a reload or the back button shows the same view; how many clips match, a CSV
// export of them (through the audited API export), newest first or oldest, more on demand.
import { clipsExportUrl, listClips, listDevices, listQuestions, listStores } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, formatDuration, questionText, t } from '../i18n.js';
import { rememberClipSequence } from '../widgets/clip-sequence.js';
import { scoreBadge } from '../widgets/score-badge.js';
import { dateField } from '../widgets/date-field.js';
import { sortableHeader } from '../widgets/data-table.js';
import { collapsibleFilters, routeFilterForm } from '../widgets/filter-form.js';

/** Every filter the list takes from the address, and `sort`: the list's order (SORTS). */
const FILTER_KEYS = [
  'q',
  'storeId',
  'deviceId',
  'questionId',
  'from',
  'to',
  'hasTranscript',
  'npsMin',
  'npsMax',
  'followUp',
  'sort',
];
const PAGE_SIZE = 50;
/** The columns; time and score sort: the API orders by what its indexes cover. */
const COLUMNS = ['pressedAt', 'store', 'question', 'duration', 'score', 'text'];
/** The API's orders; sorted by score, only the clips whose answer has a value are listed. */
const SORTS = ['newest', 'oldest', 'lowest', 'highest'];

export async function renderClipList(main, query) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  const [stores, questions, devices] = await Promise.all([listStores(), listQuestions(), listDevices()]);
  const storesById = new Map(stores.map((s) => [s.id, s]));
  const filter = Object.fromEntries(FILTER_KEYS.filter((k) => query.get(k)).map((k) => [k, query.get(k)]));
  const { sort, ...narrowing } = filter;

  const rows = h('tbody');
  const more = h('button', { type: 'button', hidden: true, 'data-action': 'more' }, t('clips.more'));
  const empty = h('p', { class: 'muted', hidden: true, 'data-testid': 'empty' }, t('clips.empty'));
  const count = h('span', { class: 'count', 'data-testid': 'clip-count' }, '');
  const byScore = sort === 'lowest' || sort === 'highest';
  // A header's link: the same view in the other order of its column (the newest first is the default).
  const orderedBy = (next) =>
    `#/clips?${new URLSearchParams({ ...narrowing, ...(next === 'newest' ? {} : { sort: next }) })}`;
  const table = h(
    'table',
    { class: 'clips', 'data-testid': 'clip-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        COLUMNS.map((c) => {
          if (c === 'pressedAt') {
            return sortableHeader(t('clips.col.pressedAt'), {
              className: 'col-pressedAt',
              direction: byScore ? undefined : sort === 'oldest' ? 'ascending' : 'descending',
              href: orderedBy(sort === undefined || sort === 'newest' ? 'oldest' : 'newest'),
            });
          }
          if (c === 'score') {
            return sortableHeader(t('clips.col.score'), {
              className: 'col-score',
              direction: sort === 'lowest' ? 'ascending' : sort === 'highest' ? 'descending' : undefined,
              href: orderedBy(sort === 'lowest' ? 'highest' : 'lowest'),
            });
          }
          return h('th', { class: `col-${c}` }, t(`clips.col.${c}`));
        }),
      ),
    ),
    rows,
  );

  main.replaceChildren(
    h(
      'div',
      { class: 'list-head' },
      h('h1', {}, t('clips.title')),
      count,
      h(
        'a',
        { class: 'button', href: clipsExportUrl(narrowing), download: 'earshot-clips.csv', 'data-action': 'export' },
        t('clips.export'),
      ),
    ),
    collapsibleFilters(filterForm(filter, { stores, questions, devices }), Object.keys(narrowing).length),
    h('p', { class: 'muted', 'data-testid': 'scored-only', hidden: !byScore }, t('clips.sortedByScore')),
    h('div', { class: 'table-wrap' }, table),
    empty,
    more,
  );

  let cursor;
  const loadPage = async () => {
    more.disabled = true;
    const page = await listClips({ ...filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    if (page.total !== undefined) {
      count.textContent = page.totalIsMore
        ? t('clips.count.more', { count: page.total })
        : page.total === 1
          ? t('clips.count.one')
          : t('clips.count', { count: page.total });
    }
    rows.append(...page.items.map((clip) => clipRow(clip, storesById)));
    cursor = page.nextCursor;
    // The player steps through this list (J/K), in the order shown, and on into its next pages.
    rememberClipSequence(
      Array.from(rows.children, (row) => row.dataset.clipId),
      { ...filter, limit: PAGE_SIZE },
      cursor,
    );
    more.hidden = !cursor;
    more.disabled = false;
    empty.hidden = rows.children.length > 0;
  };
  more.addEventListener('click', () => void loadPage());
  await loadPage();
}

function filterForm(filter, { stores, questions, devices }) {
  const select = (name, options) =>
    h(
      'select',
      { name },
      h('option', { value: '' }, t('common.all')),
      options.map(([value, label]) => h('option', { value, selected: filter[name] === value }, label)),
    );
  const field = (label, control, extra = '') => h('label', { class: `field ${extra}` }, h('span', {}, label), control);
  const form = routeFilterForm(
    'clips',
    field(
      t('clips.search'),
      h('input', { type: 'search', name: 'q', value: filter.q ?? '', placeholder: t('clips.search.placeholder') }),
      'wide',
    ),
    field(
      t('clips.store'),
      select(
        'storeId',
        stores.map((s) => [s.id, s.name]),
      ),
    ),
    field(
      t('devices.col.id'),
      select(
        'deviceId',
        devices.map((d) => [d.id, d.name ?? d.id]),
      ),
    ),
    field(
      t('clips.question'),
      select(
        'questionId',
        questions.map((q) => [q.id, questionText(q)]),
      ),
    ),
    field(t('clips.from'), dateField('from', filter.from)),
    field(t('clips.to'), dateField('to', filter.to)),
    field(
      t('clips.hasTranscript'),
      h(
        'select',
        { name: 'hasTranscript' },
        h('option', { value: '' }, t('common.any')),
        h('option', { value: 'true', selected: filter.hasTranscript === 'true' }, t('common.yes')),
        h('option', { value: 'false', selected: filter.hasTranscript === 'false' }, t('common.no')),
      ),
    ),
    field(
      t('clips.npsMin'),
      h('input', { type: 'number', name: 'npsMin', min: 0, max: 10, value: filter.npsMin ?? '' }),
      'narrow',
    ),
    field(
      t('clips.npsMax'),
      h('input', { type: 'number', name: 'npsMax', min: 0, max: 10, value: filter.npsMax ?? '' }),
      'narrow',
    ),
    field(
      t('clips.followUp'),
      h(
        'select',
        { name: 'followUp' },
        h('option', { value: '' }, t('common.any')),
        h('option', { value: 'true', selected: filter.followUp === 'true' }, t('clips.followUp.only')),
        h('option', { value: 'false', selected: filter.followUp === 'false' }, t('clips.followUp.none')),
      ),
    ),
    // Also set from the time and score columns' headers; here for phones, where rows are cards.
    field(
      t('clips.sort'),
      h(
        'select',
        { name: 'sort' },
        SORTS.map((value) =>
          h('option', { value, selected: (filter.sort ?? 'newest') === value }, t(`clips.sort.${value}`)),
        ),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('clips.apply')),
      h('a', { href: '#/clips', class: 'button' }, t('clips.reset')),
    ),
  );
  return form;
}

function clipRow(clip, storesById) {
  const store = storesById.get(clip.storeId);
  const href = `#/clips/${encodeURIComponent(clip.id)}${clip.match?.startMs != null ? `?t=${clip.match.startMs}` : ''}`;
  const open = () => (location.hash = href);
  return h(
    'tr',
    { 'data-clip-id': clip.id, tabindex: 0, onclick: open, onkeydown: (e) => e.key === 'Enter' && open() },
    h(
      'td',
      { class: 'col-pressedAt' },
      h('a', { href }, formatDateTime(clip.pressedAt, store?.timeZone)),
      clip.followUp
        ? h('div', {}, h('span', { class: 'flag', 'data-testid': 'follow-up' }, t('clips.followUp.flag')))
        : null,
    ),
    h(
      'td',
      { class: 'col-store' },
      store?.name ?? clip.storeId ?? '—',
      h('div', { class: 'muted small' }, clip.deviceId),
    ),
    h('td', { class: 'col-question' }, questionText(clip.question)),
    h('td', { class: 'col-duration' }, formatDuration(clip.durationMs)),
    h('td', { class: 'col-score' }, scoreBadge(clip.score)),
    h('td', { class: 'col-text' }, clipText(clip)),
  );
}

/** The search snippet with its hit marked, else the start of the transcript. */
function clipText(clip) {
  if (clip.match) {
    return h(
      'span',
      { class: 'snippet', 'data-testid': 'snippet' },
      clip.match.snippet
        .split(/(\[[^\]]*\])/)
        .map((part) => (part.startsWith('[') && part.endsWith(']') ? h('mark', {}, part.slice(1, -1)) : part)),
    );
  }
  if (clip.transcript) return h('span', { class: 'excerpt' }, clip.transcript.text);
  return h('span', { class: 'muted' }, t(clip.status === 'failed' ? 'clips.status.failed' : 'clips.noTranscript'));
}
