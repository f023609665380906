import { h } from '../dom.js';
import { t } from '../i18n.js';

/**
 * A card of filter fields whose submit puts the non-empty values into the address
 * (`#/<route>?…`), so that a filtered view survives reload and the back button.
 */
export function routeFilterForm(route, ...fields) {
  const form = h(
    'form',
    {
      class: 'filters card',
      onsubmit: (event) => {
        event.preventDefault();
        const params = new URLSearchParams();
        for (const [key, value] of new FormData(form)) if (value !== '') params.append(key, String(value));
        location.hash = `#/${route}?${params}`;
      },
    },
    ...fields,
  );
  return form;
}

/**
 * The filters behind a button on a phone, where open they would fill the first screen; wider
 * screens show them as they are (console.css hides the button there). The button says how many
 * filters are in force, so a narrowed list is never mistaken for all of it.
 */
export function collapsibleFilters(form, activeCount) {
  const panel = h('div', { class: 'filters-panel' });
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'filters-toggle',
      'data-action': 'toggle-filters',
      'aria-expanded': 'false',
      onclick: () => {
        const open = panel.classList.toggle('open');
        toggle.setAttribute('aria-expanded', String(open));
      },
    },
    activeCount > 0 ? t('filters.toggleActive', { count: activeCount }) : t('filters.toggle'),
  );
  panel.append(toggle, form);
  return panel;
}
