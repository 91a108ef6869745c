// Sortable tables: one button per column header, aria-sort on the sorted column, the table in
// a scrollable region so narrow screens scroll it instead of the page.
import { el, replace, uniqueId } from './dom.js';

/**
 * columns: [{ key, label, numeric?, minor?, value(row) → sort value, cell(row) → node or text,
 *             title?(row) → tooltip text }]
 * Minor columns fold away on narrow screens (style.css), so the essential ones stay in view.
 * The first column is the row header. `sort`: { key, descending } to start with.
 */
function classes(column) {
  return [column.numeric ? 'num' : null, column.minor ? 'minor' : null].filter(Boolean).join(' ') || null;
}

export function sortableTable({ caption, columns, rows, sort, empty, name }) {
  const captionId = uniqueId('caption');
  let state = { ...sort };
  const body = el('tbody');
  const headers = columns.map((column) => {
    const button = el('button', { type: 'button', class: 'sort', dataset: { key: column.key } },
      column.label, el('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
    button.addEventListener('click', () => {
      state = state.key === column.key ? { key: column.key, descending: !state.descending }
        : { key: column.key, descending: Boolean(column.numeric) };
      render();
    });
    return el('th', { scope: 'col', class: classes(column) }, button);
  });

  function render() {
    const column = columns.find((c) => c.key === state.key) ?? columns[0];
    const sign = state.descending ? -1 : 1;
    const sorted = [...rows].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sign * order || String(columns[0].value(a)).localeCompare(String(columns[0].value(b)));
    });
    headers.forEach((th, index) => {
      const active = columns[index] === column;
      if (active) th.setAttribute('aria-sort', state.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
      th.querySelector('.sort-mark').textContent = active ? (state.descending ? ' ▼' : ' ▲') : '';
    });
    if (sorted.length === 0) {
      replace(body, el('tr', {}, el('td', { colspan: columns.length, class: 'empty', text: empty ?? 'Nothing yet.' })));
      return;
    }
    replace(body, sorted.map((row) => el('tr', {}, columns.map((c, index) => el(index === 0 ? 'th' : 'td', {
      scope: index === 0 ? 'row' : null,
      class: classes(c),
      title: c.title ? c.title(row) : null,
      dataset: { key: c.key },
    }, c.cell(row))))));
  }
  render();

  const table = el('table', { class: 'data', dataset: { table: name } },
    el('caption', { id: captionId, text: caption }),
    el('thead', {}, el('tr', {}, headers)),
    body);
  return el('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: '0' }, table);
}
