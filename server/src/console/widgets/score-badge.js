// An NPS score as a coloured badge: promoters 9–10, passives 7–8, detractors 0–6.
import { h } from '../dom.js';

export function scoreBadge(score) {
  if (!score || score.value === null) return h('span', { class: 'muted' }, '—');
  const group = score.value >= 9 ? 'promoter' : score.value >= 7 ? 'passive' : 'detractor';
  return h('span', { class: `score ${group}`, 'data-score': score.value }, String(score.value));
}
