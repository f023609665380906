// NPS per store in the signed-in user's scope: one /api/v1/nps request for all of them and one
// /api/v1/nps/stores for every store (cards up to eight stores, a chain in one table), for a
// question and period chosen in the address (#/dashboard?questionId=…&from=…&to=…, plain dates,
// each store's own days, "to" included; when left empty, the 30 days up to today in the zone
// furthest ahead, so that no store's today is cut off); NPS over time by week or month
// (…&interval=week|month; a chain's chart draws the total only) with the change on the period
// before; below them clips per day, presses per local hour, transcription shares and the
// checklist results (checklist and grouping also in the address: …&checklistId=…&groupBy=
// store|device|question|day). Clips of no store are counted in the browser's time zone, the one
// the clip list shows them in.
import {
  answerSummary,
  getCoverage,
  getNps,
  getNpsByStore,
  getNpsSeries,
  getScorecardSummary,
  getTranscription,
  getVolume,
  listChecklists,
  listDevices,
  listQuestions,
  listStores,
} from '../api.js';
import { h } from '../dom.js';
import { questionText, t } from '../i18n.js';
import { dateField } from '../widgets/date-field.js';
import { answerSplit, npsBars } from '../widgets/nps-chart.js';
import { volumeChart } from '../widgets/volume-chart.js';
import { routeFilterForm } from '../widgets/filter-form.js';
import { coverageSection, GROUPINGS, scorecardSummarySection, transcriptionSection } from './dashboard-stats.js';
import { comparison, INTERVALS, npsOverTimeSection, rates } from './dashboard-nps.js';
import { storeTable } from './dashboard-stores.js';

const DEFAULT_DAYS = 30;
/** The report of a store without NPS clips in the period, as /nps gives it. */
const NO_ANSWERS = {
  nps: null,
  answers: 0,
  promoters: 0,
  passives: 0,
  detractors: 0,
  unscored: 0,
  confirmed: 0,
  toReview: 0,
};
/**
 * Up to this many stores each has its card, its bar and its share of the clips per day. A chain's
 * stores go in one table (storeTable) and its clips per day are one total: a stack of hundreds of
 * stores reads as noise, and the API would send a row per store and day.
 */
const MAX_STORES_ONE_BY_ONE = 8;

export async function renderDashboard(main, query) {
  main.replaceChildren(h('p', { class: 'muted' }, t('common.loading')));
  const [stores, questions, devices, checklists] = await Promise.all([
    listStores(),
    listQuestions(),
    listDevices(),
    listChecklists(),
  ]);
  const checklist = checklists.find((c) => c.id === query.get('checklistId')) ?? checklists[0];
  const groupBy = GROUPINGS.includes(query.get('groupBy')) ? query.get('groupBy') : 'store';
  const npsQuestions = questions.filter((q) => q.kind === 'nps');
  const interval = INTERVALS.includes(query.get('interval')) ? query.get('interval') : 'week';
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const to = query.get('to') || latestToday([browserZone, ...stores.map((store) => store.timeZone)], new Date());
  const from = query.get('from') || addDays(to, 1 - DEFAULT_DAYS);
  // Plain dates, as the API reads them: each store's own days; clips of no store in this zone.
  const period = {
    questionId: query.get('questionId') ?? undefined,
    from,
    to,
    timeZone: browserZone,
  };
  const range = { from: period.from, to: period.to, timeZone: period.timeZone };
  const oneByOne = stores.length <= MAX_STORES_ONE_BY_ONE;
  const [answers, volume, coverage, transcription, summary, series, total, byStore] = await Promise.all([
    answerSummary(),
    getVolume({ ...range, groupBy: oneByOne ? 'store' : 'day' }),
    getCoverage(range),
    getTranscription(range),
    checklist ? getScorecardSummary({ checklistId: checklist.id, groupBy, ...range }) : null,
    // A chain's chart draws the total only: its stores' points per period are not asked for.
    getNpsSeries({ ...period, interval, ...(oneByOne ? {} : { storePoints: false }) }),
    getNps(period),
    getNpsByStore(period),
  ]);
  // One request for every store: a chain asked once per store sent hundreds per view.
  const perStore = stores.map((store) => byStore.stores.find((report) => report.storeId === store.id) ?? NO_ANSWERS);
  const seriesOf = (storeId) => series.stores.find((group) => group.storeId === storeId);

  main.replaceChildren(
    h('h1', {}, t('dashboard.title')),
    periodForm(query, { from, to }, npsQuestions, checklists, checklist, groupBy),
    h(
      'section',
      { class: 'card total', 'data-testid': 'nps-total' },
      h('h2', {}, t('dashboard.total')),
      reportFigures(total),
      comparison(series.total, series.previous),
      rates(series.total),
    ),
    npsOverTimeSection(series, stores, query),
    answersSection(answers),
    // replaceChildren takes nodes, not arrays: the choice is spread.
    ...(oneByOne
      ? [
          h(
            'section',
            { class: 'card' },
            h('h2', {}, t('dashboard.chart')),
            npsBars(stores.map((store, i) => ({ key: store.id, label: store.name, nps: perStore[i].nps }))),
          ),
          h(
            'div',
            { class: 'store-grid' },
            stores.map((store, i) =>
              h(
                'section',
                { class: 'card store', 'data-store-id': store.id },
                h('h2', {}, store.name),
                reportFigures(perStore[i]),
                comparison(seriesOf(store.id), series.previous),
                rates(seriesOf(store.id)),
              ),
            ),
          ),
        ]
      : [
          storeTable(
            stores.map((store, i) => ({ store, report: perStore[i], group: seriesOf(store.id) })),
            { questionId: period.questionId, from, to },
          ),
        ]),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('dashboard.volume')),
      oneByOne
        ? volumeChart(volume.rows, daysOf(range, volume.rows), stores)
        : [
            h('p', { class: 'muted' }, t('dashboard.volumeTotal', { stores: stores.length })),
            volumeChart(
              volume.rows.map((row) => ({ ...row, storeId: 'all' })),
              daysOf(range, volume.rows),
              [{ id: 'all', name: t('dashboard.allStores') }],
            ),
          ],
    ),
    coverageSection(coverage, devices),
    transcriptionSection(transcription, stores),
    scorecardSummarySection(checklist, summary, groupBy, { stores, devices, questions }),
  );
}

/** Every day of the range (plain dates, `to` included), plus any day the server counted outside it. */
function daysOf(range, rows) {
  const days = new Set(rows.map((row) => row.day));
  for (let day = range.from; day <= range.to && days.size < 400; day = addDays(day, 1)) days.add(day);
  return [...days].sort();
}

/**
 * Today's date in whichever zone is furthest ahead. Plain dates are each store's own days, so a
 * period ending on the browser's today would leave out the clips of a store already in tomorrow
 * (a Moscow store after 21:00 seen from London).
 */
function latestToday(zones, now) {
  const dateIn = (timeZone) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(now)
      .reduce((found, part) => ({ ...found, [part.type]: part.value }), {});
    return `${parts.year}-${parts.month}-${parts.day}`;
  };
  return zones.map(dateIn).reduce((latest, date) => (date > latest ? date : latest));
}

function addDays(day, days) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function reportFigures(report) {
  const figure = (key, value, field) =>
    h(
      'div',
      { class: 'figure', 'data-field': field },
      h('span', { class: 'value' }, String(value)),
      h('span', { class: 'label' }, t(key)),
    );
  return h(
    'div',
    { class: 'report' },
    h(
      'div',
      { class: 'figures' },
      h(
        'div',
        { class: 'figure headline', 'data-field': 'nps' },
        h('span', { class: 'value' }, report.nps === null ? '—' : String(Math.round(report.nps))),
        h('span', { class: 'label' }, report.nps === null ? t('dashboard.noAnswers') : t('dashboard.nps')),
      ),
      figure('dashboard.answers', report.answers, 'answers'),
      figure('dashboard.promoters', report.promoters, 'promoters'),
      figure('dashboard.passives', report.passives, 'passives'),
      figure('dashboard.detractors', report.detractors, 'detractors'),
      figure('dashboard.unscored', report.unscored, 'unscored'),
    ),
    answerSplit(report),
  );
}

function periodForm(query, dates, npsQuestions, checklists, checklist, groupBy) {
  const form = routeFilterForm(
    'dashboard',
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('dashboard.question')),
      h(
        'select',
        { name: 'questionId' },
        h('option', { value: '' }, t('common.all')),
        npsQuestions.map((q) =>
          h('option', { value: q.id, selected: query.get('questionId') === q.id }, questionText(q)),
        ),
      ),
    ),
    h('label', { class: 'field' }, h('span', {}, t('dashboard.from')), dateField('from', dates.from)),
    h('label', { class: 'field' }, h('span', {}, t('dashboard.to')), dateField('to', dates.to)),
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('dashboard.checklist')),
      h(
        'select',
        { name: 'checklistId' },
        checklists.map((c) => h('option', { value: c.id, selected: c === checklist }, c.name)),
      ),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('dashboard.groupBy')),
      h(
        'select',
        { name: 'groupBy' },
        GROUPINGS.map((g) => h('option', { value: g, selected: g === groupBy }, t(`dashboard.groupBy.${g}`))),
      ),
    ),
    query.get('interval') ? h('input', { type: 'hidden', name: 'interval', value: query.get('interval') }) : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('clips.apply'))),
  );
  return form;
}

/** Machine answers beside the ones a person set or confirmed, and the queue still to review. */
function answersSection(counts) {
  const figure = (key, value, field) =>
    h(
      'div',
      { class: 'figure', 'data-field': field },
      h('span', { class: 'value' }, value),
      h('span', { class: 'label' }, t(key)),
    );
  return h(
    'section',
    { class: 'card', 'data-testid': 'answer-sources' },
    h('h2', {}, t('dashboard.answersTitle')),
    h(
      'div',
      { class: 'figures' },
      figure('dashboard.answers.machine', String(counts.machine), 'machine'),
      figure('dashboard.answers.confirmed', String(counts.confirmed), 'confirmed'),
      figure('dashboard.answers.declined', String(counts.declined), 'declined'),
      figure(
        'dashboard.answers.awaiting',
        h('a', { href: '#/review', 'data-testid': 'to-review' }, String(counts.awaitingReview)),
        'awaiting',
      ),
    ),
  );
}
