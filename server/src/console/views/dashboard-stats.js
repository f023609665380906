// The dashboard's activity and quality cards: presses per local hour (is the button used all day?),
// how many clips were transcribed or failed per store, and the checklist results of scored clips.
import { h } from '../dom.js';
import { currentLanguage, itemText, questionText, t } from '../i18n.js';
import { dataTable } from '../widgets/data-table.js';
import { volumeChart } from '../widgets/volume-chart.js';

const HOURS = Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0'));
export const GROUPINGS = ['store', 'device', 'question', 'day'];

/** coverage: the /stats/coverage answer; devices: [{id, name}] for the legend. */
export function coverageSection(coverage, devices) {
  const names = new Map(devices.map((d) => [d.id, d.name ?? d.id]));
  const series = coverage.devices.map((d) => ({ id: d.deviceId, name: names.get(d.deviceId) ?? d.deviceId }));
  const rows = coverage.devices.flatMap((d) =>
    d.hours.map((clips, hour) => ({ storeId: d.deviceId, day: HOURS[hour], clips })),
  );
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('dashboard.coverage')),
    h('p', { class: 'muted' }, t('dashboard.coverageNote')),
    volumeChart(rows, HOURS, series, { tick: (hour) => hour, testId: 'coverage-chart' }),
  );
}

/** transcription: the /stats/transcription answer; stores: [{id, name}]. */
export function transcriptionSection(transcription, stores) {
  const names = new Map(stores.map((s) => [s.id, s.name]));
  const cell = (field, text) => h('td', { 'data-field': field }, text);
  return h(
    'section',
    { class: 'card', 'data-testid': 'transcription' },
    h('h2', {}, t('dashboard.transcription')),
    transcription.stores.length === 0
      ? h('p', { class: 'muted' }, t('dashboard.noClips'))
      : dataTable(
          ['store', 'clips', 'transcribed', 'failed', 'other', 'transcribedShare', 'failedShare'].map((c) =>
            t(`dashboard.transcription.${c}`),
          ),
          transcription.stores.map((row) => {
            const transcribed = row.byStatus.transcribed ?? 0;
            const failed = row.byStatus.failed ?? 0;
            return h(
              'tr',
              { 'data-key': row.storeId ?? '' },
              h('td', {}, row.storeId === null ? t('dashboard.noStore') : (names.get(row.storeId) ?? row.storeId)),
              cell('clips', String(row.clips)),
              cell('transcribed', String(transcribed)),
              cell('failed', String(failed)),
              cell('other', String(row.clips - transcribed - failed)),
              cell('transcribedShare', percent(row.transcribedShare)),
              cell('failedShare', percent(row.failedShare)),
            );
          }),
        ),
  );
}

/**
 * summary: the /scorecards/summary answer for `checklist`, grouped by `groupBy`; stores, devices,
 * questions name the groups.
 */
export function scorecardSummarySection(checklist, summary, groupBy, { stores, devices, questions }) {
  const title = h('h2', {}, t('dashboard.scorecards'));
  if (!checklist) {
    return h('section', { class: 'card' }, title, h('p', { class: 'muted' }, t('dashboard.noChecklists')));
  }
  const names = {
    store: new Map(stores.map((s) => [s.id, s.name])),
    device: new Map(devices.map((d) => [d.id, d.name ?? d.id])),
    question: new Map(questions.map((q) => [q.id, questionText(q)])),
    day: new Map(),
  }[groupBy];
  return h(
    'section',
    { class: 'card', 'data-testid': 'scorecard-summary', 'data-checklist-id': checklist.id },
    title,
    h('p', { class: 'muted' }, t('dashboard.scorecardsNote', { checklist: checklist.name })),
    summary.groups.length === 0
      ? h('p', { class: 'muted' }, t('dashboard.noScorecards'))
      : dataTable(
          [
            t(`dashboard.groupBy.${groupBy}`),
            t('dashboard.scorecardCount'),
            ...checklist.items.map((item) => itemText(item)),
          ],
          summary.groups.map((group) =>
            h(
              'tr',
              { 'data-key': group.key },
              h(
                'td',
                {},
                group.key === '(none)'
                  ? t(groupBy === 'store' ? 'dashboard.noStore' : 'dashboard.noQuestion')
                  : (names.get(group.key) ?? group.key),
              ),
              h('td', { 'data-field': 'scorecards' }, String(group.scorecards)),
              group.items.map((item) =>
                h(
                  'td',
                  {
                    'data-item-id': item.id,
                    title: t('dashboard.answerCounts', { yes: item.yes, no: item.no, unsure: item.unsure }),
                  },
                  h('span', { class: 'share' }, item.yesShare === null ? '—' : percent(item.yesShare)),
                  h(
                    'span',
                    { class: 'muted counts' },
                    ` ${t('dashboard.answerCounts', { yes: item.yes, no: item.no, unsure: item.unsure })}`,
                  ),
                ),
              ),
            ),
          ),
        ),
  );
}

function percent(share) {
  return new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}
