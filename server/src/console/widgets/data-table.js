// A scrollable table: the one shape every list and summary of the console takes.
import { h } from '../dom.js';

/** headers: the header cells' contents; rows: <tr> elements; attributes go on the <table>. */
export function dataTable(headers, rows, attributes = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      attributes,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((header) => h('th', {}, header)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

/**
 * A header cell that sorts by its column: a link to the same view in the other order (so the
 * order, like the filters, lives in the address), marked with aria-sort for screen readers.
 * direction: 'ascending' | 'descending' | undefined when the table is sorted by another column.
 */
export function sortableHeader(label, { direction, href, className }) {
  const arrow = direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : '';
  return h(
    'th',
    { class: className, 'aria-sort': direction ?? 'none' },
    h('a', { href, class: 'sort', 'data-sort': direction ?? 'none' }, label, arrow),
  );
}
