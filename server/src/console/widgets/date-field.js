// A date field in the console's language, not the browser's: flatpickr (MIT), served from
// node_modules as its own browser build (vendor/flatpickr.js, vendor/flatpickr-ru.js, loaded by
// index.html: its ES build imports files without extensions, which browsers cannot resolve).
// The form still sends the date as YYYY-MM-DD under `name`; the reader sees it spelt in the
// chosen language. `static` keeps the calendar inside the field's box, placed by the style sheet:
// positioned on the page, flatpickr would add a <style> element, which the CSP refuses.
import { h } from '../dom.js';
import { currentLanguage } from '../i18n.js';

/** A date input named `name` holding `value` (YYYY-MM-DD, or '' for none). */
export function dateField(name, value) {
  const input = h('input', { type: 'text', name, value: value ?? '', 'data-date-field': name });
  // flatpickr puts its own elements beside the input: it needs a parent from the start.
  const field = h('span', { class: 'date-field' }, input);
  const flatpickr = window.flatpickr;
  // Without the library (it failed to load) the field still takes a typed YYYY-MM-DD.
  if (typeof flatpickr !== 'function') return field;
  const ru = currentLanguage() === 'ru';
  flatpickr(input, {
    dateFormat: 'Y-m-d',
    altInput: true,
    altFormat: ru ? 'j M Y' : 'M j, Y',
    altInputClass: 'date-shown',
    allowInput: false,
    static: true,
    locale: ru ? flatpickr.l10ns.ru : flatpickr.l10ns.default,
  });
  return field;
}
