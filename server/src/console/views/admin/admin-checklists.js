// Checklists: what a manager checks a clip against ("greeted the customer"), per question.
// Item ids stay as they were when a checklist is edited, so earlier scorecards keep their
// meaning; retiring one stops it being offered and keeps what was scored.
import { listChecklists, listQuestions, putChecklist, retireChecklist } from '../../api.js';
import { h } from '../../dom.js';
import { questionText, t } from '../../i18n.js';
import { field, statusLine, submitWith } from '../../widgets/admin-form.js';
import { dataTable } from '../../widgets/data-table.js';

/** A made-up item id from its words: lowercase, dashes, unique within the checklist. */
function itemId(text, taken) {
  const base =
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'item';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

export async function renderAdminChecklists(section) {
  const questions = await listQuestions();
  const list = h('div', {});
  const status = statusLine('checklist-status');
  const items = h('div', { class: 'checklist-items' });
  const itemRow = (item = { id: '', text: { en: '', ru: '' } }) =>
    h(
      'div',
      { class: 'checklist-item', 'data-item-id': item.id },
      h('input', { name: 'en', value: item.text.en, required: true, 'aria-label': t('admin.checklists.itemEn') }),
      h('input', { name: 'ru', value: item.text.ru ?? '', 'aria-label': t('admin.checklists.itemRu') }),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          'data-action': 'remove-item',
          onclick: (e) => e.target.closest('div').remove(),
        },
        t('admin.checklists.removeItem'),
      ),
    );
  const form = h(
    'form',
    {
      class: 'card admin-form',
      'data-testid': 'checklist-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const taken = new Set([...items.children].map((row) => row.dataset.itemId).filter(Boolean));
        const body = {
          questionId: form.elements.questionId.value,
          name: form.elements.name.value,
          items: [...items.children].map((row) => {
            const en = row.querySelector('[name=en]').value.trim();
            const ru = row.querySelector('[name=ru]').value.trim();
            return { id: row.dataset.itemId || itemId(en, taken), text: ru ? { en, ru } : { en } };
          }),
        };
        if (await submitWith(form, status, () => putChecklist(form.elements.id.value, body))) await refresh();
      },
    },
    h('h2', {}, t('admin.checklists.form')),
    field(
      t('admin.checklists.id'),
      h('input', { name: 'id', required: true, pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', title: t('admin.idHint') }),
    ),
    field(
      t('admin.checklists.question'),
      h(
        'select',
        { name: 'questionId' },
        questions.map((q) => h('option', { value: q.id }, questionText(q))),
      ),
    ),
    field(t('admin.checklists.name'), h('input', { name: 'name', required: true, maxlength: 200 })),
    h('p', { class: 'muted small' }, t('admin.checklists.itemsHint')),
    items,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', 'data-action': 'add-item', onclick: () => items.append(itemRow()) },
        t('admin.checklists.addItem'),
      ),
      h('button', { type: 'submit', class: 'primary' }, t('admin.save')),
    ),
    status.element,
  );
  items.append(itemRow());
  const edit = (checklist) => {
    form.elements.id.value = checklist.id;
    form.elements.questionId.value = checklist.questionId;
    form.elements.name.value = checklist.name;
    items.replaceChildren(...checklist.items.map(itemRow));
  };
  const retire = async (checklist) => {
    if (!window.confirm(t('admin.checklists.confirmRetire', { name: checklist.name }))) return;
    await submitWith(form, status, async () => {
      await retireChecklist(checklist.id);
      return t('admin.checklists.retired', { name: checklist.name });
    });
    await refresh();
  };
  const refresh = async () => {
    const checklists = await listChecklists();
    list.replaceChildren(
      checklists.length === 0
        ? h('p', { class: 'muted' }, t('admin.checklists.empty'))
        : dataTable(
            [t('admin.checklists.name'), t('admin.checklists.question'), t('admin.checklists.items'), ''],
            checklists.map((checklist) =>
              h(
                'tr',
                { 'data-checklist-id': checklist.id },
                h('td', {}, checklist.name),
                h('td', {}, questionText(questions.find((q) => q.id === checklist.questionId)) || checklist.questionId),
                h('td', {}, String(checklist.items.length)),
                h(
                  'td',
                  { class: 'row-actions' },
                  h(
                    'button',
                    { type: 'button', class: 'link', 'data-action': 'edit', onclick: () => edit(checklist) },
                    t('admin.edit'),
                  ),
                  h(
                    'button',
                    { type: 'button', class: 'link', 'data-action': 'retire', onclick: () => retire(checklist) },
                    t('admin.checklists.retire'),
                  ),
                ),
              ),
            ),
            { class: 'admin-checklists' },
          ),
    );
  };
  await refresh();
  section.replaceChildren(list, form);
}
