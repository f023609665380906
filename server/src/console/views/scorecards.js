// Checklist scoring of one clip, part of the player: for each checklist of the clip's question,
// yes / no / can't tell per item and a comment; the signed-in user's own scorecard is filled in
// and saved again on change; what others answered is listed beside it.
import { listChecklists, listScorecards, saveScorecard } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, itemText, t } from '../i18n.js';

const ANSWERS = ['yes', 'no', 'unsure'];

export async function renderScorecards(container, clip, user) {
  if (!clip.question) {
    container.replaceChildren(h('p', { class: 'muted' }, t('scorecards.none')));
    return;
  }
  const [checklists, scorecards] = await Promise.all([listChecklists(clip.question.id), listScorecards(clip.id)]);
  if (checklists.length === 0) {
    container.replaceChildren(h('p', { class: 'muted' }, t('scorecards.none')));
    return;
  }
  container.replaceChildren(
    ...checklists.map((checklist) =>
      checklistForm(
        clip,
        checklist,
        scorecards.filter((s) => s.checklistId === checklist.id),
        user,
      ),
    ),
  );
}

function checklistForm(clip, checklist, scorecards, user) {
  const mine = scorecards.find((s) => s.username === user.username);
  const others = scorecards.filter((s) => s.username !== user.username);
  const status = h('span', { class: 'muted', role: 'status', 'data-testid': 'scorecard-status' });
  const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 2000 });
  comment.value = mine?.comment ?? '';
  const form = h(
    'form',
    {
      class: 'checklist',
      'data-checklist-id': checklist.id,
      onsubmit: async (event) => {
        event.preventDefault();
        const answers = {};
        for (const item of checklist.items) {
          const chosen = form.querySelector(`input[name="${item.id}"]:checked`);
          if (chosen) answers[item.id] = chosen.value;
        }
        status.textContent = '';
        try {
          const saved = await saveScorecard(clip.id, checklist.id, {
            answers,
            ...(comment.value.trim() ? { comment: comment.value.trim() } : {}),
          });
          status.textContent = t('scorecards.saved', { time: formatDateTime(saved.scoredAt) });
        } catch (error) {
          status.textContent = t('common.error', { message: error.message });
        }
      },
    },
    h('h3', {}, checklist.name),
    h(
      'ul',
      { class: 'items' },
      checklist.items.map((item) =>
        h(
          'li',
          { 'data-item-id': item.id },
          h('span', { class: 'item-text' }, itemText(item)),
          h(
            'span',
            { class: 'choices', role: 'radiogroup' },
            ANSWERS.map((answer) =>
              h(
                'label',
                { class: `choice ${answer}` },
                h('input', {
                  type: 'radio',
                  name: item.id,
                  value: answer,
                  checked: mine?.answers[item.id] === answer,
                }),
                h('span', {}, t(`scorecards.answer.${answer}`)),
              ),
            ),
          ),
        ),
      ),
    ),
    h('label', { class: 'comment' }, h('span', { class: 'muted small' }, t('scorecards.comment')), comment),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('scorecards.save')), status),
    others.length > 0
      ? h(
          'div',
          { class: 'others muted small' },
          others.map((other) =>
            h(
              'p',
              {},
              `${other.username}: `,
              checklist.items
                .filter((item) => other.answers[item.id])
                .map((item) => `${itemText(item)} — ${t(`scorecards.answer.${other.answers[item.id]}`)}`)
                .join('; '),
            ),
          ),
        )
      : null,
  );
  return form;
}
