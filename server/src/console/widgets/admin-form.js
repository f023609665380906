// The pieces the administration forms share: a labelled field, and a status line that says
// what was saved or, in the API's words, what was wrong.
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** <label>Text <input …></label>, as one field of a form card. */
export function field(label, control, attributes = {}) {
  return h('label', { class: 'field', ...attributes }, h('span', { class: 'label' }, label), control);
}

/** A live status line under a form; `show(ok, text)` sets it, `saving()` says a save is under way. */
export function statusLine(testId) {
  const line = h('p', { class: 'form-status', role: 'status', 'data-testid': testId });
  return {
    element: line,
    show(ok, text) {
      line.className = `form-status ${ok ? 'ok' : 'error'}`;
      line.dataset.status = ok ? 'ok' : 'error';
      line.textContent = text;
    },
    saving() {
      line.className = 'form-status';
      line.dataset.status = 'saving';
      line.textContent = t('admin.saving');
    },
  };
}

/**
 * Runs a save: the status line says "Saved" (or `done`'s text) or the API's error, and the
 * submit button is disabled meanwhile so that a double click saves once.
 */
export async function submitWith(form, status, action) {
  const button = form.querySelector('button[type=submit]');
  if (button) button.disabled = true;
  // The last save's "Saved" must not stand for this one while it is under way.
  status.saving();
  try {
    const text = await action();
    status.show(true, typeof text === 'string' ? text : t('admin.saved'));
    return true;
  } catch (error) {
    status.show(false, t('common.error', { message: error.message }));
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}
