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
