// NPS per store in the signed-in user's scope: one /api/v1/nps request per store and one for all
// of them, for a question and period chosen in the address (#/dashboard?questionId=…&from=…&to=…);
// below them clips per day, presses per local hour, transcription shares and the checklist results
// (checklist and grouping also in the address: …&checklistId=…&groupBy=store|device|question|day).
import {
  answerSummary,
  getCoverage,
  getNps,
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
import { answerSplit, npsBars } from '../widgets/nps-chart.js';
import { volumeChart } from '../widgets/volume-chart.js';
import { routeFilterForm } from '../widgets/filter-form.js';
import { coverageSection, GROUPINGS, scorecardSummarySection, transcriptionSection } from './dashboard-stats.js';

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
  const period = {
    questionId: query.get('questionId') ?? undefined,
    // The NPS API takes instants: a chosen day is read in the browser's time zone.
    from: query.get('from') ? new Date(`${query.get('from')}T00:00`).toISOString() : undefined,
    to: query.get('to') ? new Date(`${query.get('to')}T00:00`).toISOString() : undefined,
  };
  const volumePeriod = volumeRange(period);
  const [answers, volume, coverage, transcription, summary, total, ...perStore] = await Promise.all([
    answerSummary(),
    getVolume(volumePeriod),
    getCoverage(volumePeriod),
    getTranscription(volumePeriod),
    checklist ? getScorecardSummary({ checklistId: checklist.id, groupBy, from: period.from, to: period.to }) : null,
    getNps(period),
    ...stores.map((store) => getNps({ ...period, storeId: store.id })),
  ]);

  main.replaceChildren(
    h('h1', {}, t('dashboard.title')),
    periodForm(query, npsQuestions, checklists, checklist, groupBy),
    h(
      'section',
      { class: 'card total', 'data-testid': 'nps-total' },
      h('h2', {}, t('dashboard.total')),
      reportFigures(total),
    ),
    answersSection(answers),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('dashboard.chart')),
      npsBars(stores.map((store, i) => ({ label: store.name, nps: perStore[i].nps }))),
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
        ),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('dashboard.volume')),
      volumeChart(volume.rows, daysOf(volumePeriod, volume.rows), stores),
    ),
    coverageSection(coverage, devices),
    transcriptionSection(transcription, stores),
    scorecardSummarySection(checklist, summary, groupBy, { stores, devices, questions }),
  );
}

/** The NPS period, or the last 14 days when it is open: the volume API needs both ends. */
function volumeRange(period) {
  const to = period.to ?? new Date(new Date().setHours(24, 0, 0, 0)).toISOString();
  const from = period.from ?? new Date(Date.parse(to) - 14 * 86_400_000).toISOString();
  return { from, to };
}

/** Every day of the range (browser dates), plus any store-local day the server counted outside it. */
function daysOf(range, rows) {
  const days = new Set(rows.map((row) => row.day));
  for (let time = Date.parse(range.from); time < Date.parse(range.to); time += 86_400_000) {
    const d = new Date(time);
    days.add(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`);
  }
  return [...days].sort();
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

function periodForm(query, npsQuestions, checklists, checklist, groupBy) {
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
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('dashboard.from')),
      h('input', { type: 'date', name: 'from', value: query.get('from') ?? '' }),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', {}, t('dashboard.to')),
      h('input', { type: 'date', name: 'to', value: query.get('to') ?? '' }),
    ),
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
