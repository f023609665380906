// A device's heartbeat history: graphs of the microphone level and the upload backlog, and the
// latest heartbeats as a table in a short scrolling box (the graphs answer "since when", the
// table the exact figures).
import { h } from '../dom.js';
import { formatDateTime, formatMegabytes, t } from '../i18n.js';
import { clockText, micText } from './device-state.js';
import { trendChart } from './trend-chart.js';

const HISTORY_ROWS = 30;

export function heartbeatHistory(heartbeats) {
  if (heartbeats.length === 0) return h('p', { class: 'muted' }, t('device.noHeartbeats'));
  const times = heartbeats.map((b) => Date.parse(b.receivedAt) / 1000);
  const level = heartbeats.map(({ heartbeat }) =>
    typeof heartbeat.mic.rmsDbfs === 'number' && Number.isFinite(heartbeat.mic.rmsDbfs)
      ? Math.round(heartbeat.mic.rmsDbfs * 10) / 10
      : null,
  );
  const backlog = heartbeats.map(({ heartbeat }) => heartbeat.outbox.clips);
  return h(
    'div',
    { class: 'heartbeat-history' },
    h(
      'div',
      { class: 'trends' },
      trendChart({
        title: t('device.trend.level'),
        times,
        values: level,
        unit: ` ${t('unit.dbfs')}`,
        testid: 'trend-level',
      }),
      trendChart({
        title: t('device.trend.backlog'),
        times,
        values: backlog,
        unit: '',
        floor: 0,
        testid: 'trend-backlog',
        color: '#d14b3c',
      }),
    ),
    h('h3', {}, t('device.trend.table', { count: Math.min(HISTORY_ROWS, heartbeats.length) })),
    heartbeatTable(heartbeats),
  );
}

function heartbeatTable(heartbeats) {
  const recent = heartbeats.slice(-HISTORY_ROWS).reverse();
  return h(
    'div',
    { class: 'table-wrap heartbeat-table', 'data-testid': 'heartbeats' },
    h(
      'table',
      { class: 'heartbeats' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['at', 'mic', 'outbox', 'disk', 'clock'].map((c) => h('th', {}, t(`device.beat.${c}`))),
        ),
      ),
      h(
        'tbody',
        {},
        recent.map(({ receivedAt, heartbeat }) =>
          h(
            'tr',
            {},
            h('td', {}, formatDateTime(receivedAt)),
            h('td', {}, micText(heartbeat.mic)),
            h('td', {}, String(heartbeat.outbox.clips)),
            h('td', {}, formatMegabytes(heartbeat.disk.freeBytes)),
            h('td', {}, clockText(heartbeat.clock)),
          ),
        ),
      ),
    ),
  );
}
