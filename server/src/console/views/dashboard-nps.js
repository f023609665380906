// The dashboard's NPS over time: a chart per week or month (the toggle keeps its choice in the
// address), the change on the period before, and per store the question heard and answered rates.
import { h } from '../dom.js';
import { currentLanguage, t } from '../i18n.js';
import { npsOverTime } from '../widgets/nps-chart.js';

export const INTERVALS = ['week', 'month'];

/** series: the /nps/series answer; query: the address's parameters, for the toggle's links. */
export function npsOverTimeSection(series, stores, query) {
  const link = (interval) => {
    const params = new URLSearchParams(query);
    params.set('interval', interval);
    const current = interval === series.interval;
    return h(
      'a',
      {
        href: `#/dashboard?${params}`,
        class: current ? 'current' : null,
        'aria-current': current ? 'true' : null,
        'data-interval': interval,
      },
      t(`dashboard.interval.${interval}`),
    );
  };
  return h(
    'section',
    { class: 'card', 'data-testid': 'nps-over-time-card' },
    h(
      'div',
      { class: 'card-head' },
      h('h2', {}, t('dashboard.overTime')),
      h('nav', { class: 'toggle', 'aria-label': t('dashboard.overTime') }, INTERVALS.map(link)),
    ),
    series.total.answers === 0 && series.total.points.every((p) => p.answers === 0)
      ? h('p', { class: 'muted' }, t('dashboard.noAnswersInPeriod'))
      : npsOverTime(series, stores),
  );
}

/**
 * "+6 on the previous 30 days" for a group of the series (total or a store); nothing when either
 * period has no answers.
 */
export function comparison(group, previous) {
  if (!group || !previous || !group.previous) return null;
  const days = Math.round(previous.days);
  if (group.nps === null || group.previous.nps === null) {
    return h('p', { class: 'comparison muted', 'data-field': 'change' }, t('dashboard.noComparison', { days }));
  }
  const change = Math.round(group.nps) - Math.round(group.previous.nps);
  const signed = change > 0 ? `+${change}` : change < 0 ? `−${-change}` : '±0';
  return h(
    'p',
    {
      class: `comparison ${change > 0 ? 'up' : change < 0 ? 'down' : ''}`,
      'data-field': 'change',
      'data-change': change,
    },
    t('dashboard.change', { change: signed, days, before: Math.round(group.previous.nps) }),
  );
}

/** The question heard rate and answered rate of a store's (or all) NPS clips read. */
export function rates(group) {
  if (!group || group.read === 0) return null;
  const percent = (share) =>
    share === null
      ? '—'
      : new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 0 }).format(share);
  const figure = (key, share, field) =>
    h(
      'div',
      { class: 'figure', 'data-field': field },
      h('span', { class: 'value' }, percent(share)),
      h('span', { class: 'label' }, t(key, { read: group.read })),
    );
  return h(
    'div',
    { class: 'figures rates' },
    figure('dashboard.heardRate', group.questionHeardRate, 'heardRate'),
    figure('dashboard.answeredRate', group.answeredRate, 'answeredRate'),
  );
}
