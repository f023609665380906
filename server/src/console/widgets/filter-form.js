import { h } from '../dom.js';

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
