// Notes and the follow-up flag on one clip, as a card of the player: managers write what was
// done ("called back, happy now") and flag a clip someone has to act on; the list filters by it.
import { addClipNote, listClipNotes, setFollowUp } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';

/**
 * canWrite: the signed-in role may add notes and set the flag (managers, admins); timeZone: the
 * store's, so that notes read in the same time as the clip itself.
 */
export function clipNotes(clip, canWrite, timeZone) {
  const noteItem = (note) => noteView(note, timeZone);
  const list = h('ul', { class: 'notes', 'data-testid': 'notes' });
  const status = h('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const showNotes = (notes) => {
    list.replaceChildren(...notes.map(noteItem));
    status.textContent = notes.length === 0 ? t('notes.none') : '';
    status.hidden = notes.length > 0;
  };
  const failed = (error) => {
    status.hidden = false;
    status.textContent = t('common.error', { message: error.message });
  };
  void listClipNotes(clip.id)
    .then(({ items }) => showNotes(items))
    .catch(failed);

  const card = h(
    'section',
    { class: 'card clip-notes', 'data-testid': 'clip-notes' },
    h('div', { class: 'card-head' }, h('h2', {}, t('notes.title')), canWrite ? followUpToggle(clip, failed) : null),
    list,
    status,
  );
  if (canWrite) card.append(noteForm(clip, list, status, failed, noteItem));
  return card;
}

function followUpToggle(clip, failed) {
  let on = clip.followUp !== null && clip.followUp !== undefined;
  const button = h('button', { type: 'button', 'data-action': 'follow-up' });
  const show = () => {
    button.setAttribute('aria-pressed', String(on));
    button.classList.toggle('flagged', on);
    button.textContent = on ? t('notes.followUp.clear') : t('notes.followUp.set');
  };
  button.addEventListener('click', () => {
    button.disabled = true;
    setFollowUp(clip.id, !on)
      .then((state) => {
        on = state.followUp !== null;
        show();
      })
      .catch(failed)
      .finally(() => (button.disabled = false));
  });
  show();
  return button;
}

function noteForm(clip, list, status, failed, noteItem) {
  const text = h('textarea', {
    name: 'note',
    rows: 2,
    maxlength: 4000,
    placeholder: t('notes.placeholder'),
    'aria-label': t('notes.add'),
  });
  const form = h(
    'form',
    {
      class: 'note-form',
      onsubmit: (event) => {
        event.preventDefault();
        if (text.value.trim() === '') return;
        const submit = form.querySelector('button');
        submit.disabled = true;
        addClipNote(clip.id, text.value)
          .then((note) => {
            list.append(noteItem(note));
            status.hidden = true;
            text.value = '';
          })
          .catch(failed)
          .finally(() => (submit.disabled = false));
      },
    },
    text,
    h('button', { type: 'submit', class: 'primary' }, t('notes.add')),
  );
  return form;
}

function noteView(note, timeZone) {
  return h(
    'li',
    { 'data-note-id': note.id },
    h('div', { class: 'muted small' }, `${note.author} · ${formatDateTime(note.createdAt, timeZone)}`),
    h('p', { class: 'note-body' }, note.body),
  );
}
