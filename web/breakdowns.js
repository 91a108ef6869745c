// The per-model and per-tool tables (the same for one person and for the team) and the per-day
// table under each chart.
import { el } from './dom.js';
import { compact, count, percent, shortDay, usd, usdExact } from './format.js';
import { sortableTable } from './table.js';
import { tokenSum } from './figures.js';

const tokens = (key, label) => ({
  key, label, numeric: true, value: (r) => r[key], cell: (r) => compact(r[key]), title: (r) => `${count(r[key])} tokens`,
});

/** models: {name: {inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, costUsd, apiRequests, apiErrors}} */
export function modelTable(models, caption) {
  const rows = Object.entries(models ?? {}).map(([name, m]) => ({ name, ...m }));
  const totalCost = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  return sortableTable({
    caption, name: 'models', rows, sort: { key: 'costUsd', descending: true }, empty: 'No model has been used yet.',
    columns: [
      { key: 'name', label: 'Model', value: (r) => r.name, cell: (r) => r.name },
      tokens('inputTokens', 'Input'), tokens('outputTokens', 'Output'),
      tokens('cacheReadTokens', 'Cache read'), tokens('cacheCreationTokens', 'Cache creation'),
      { key: 'tokens', label: 'All tokens', numeric: true, value: tokenSum, cell: (r) => compact(tokenSum(r)), title: (r) => `${count(tokenSum(r))} tokens` },
      { key: 'costUsd', label: 'Cost*', numeric: true, value: (r) => r.costUsd ?? 0, cell: (r) => usd(r.costUsd), title: (r) => usdExact(r.costUsd) },
      { key: 'apiRequests', label: 'Requests', numeric: true, value: (r) => r.apiRequests ?? 0, cell: (r) => count(r.apiRequests) },
      { key: 'share', label: 'Cost share', numeric: true, value: (r) => (totalCost > 0 ? (r.costUsd ?? 0) / totalCost : 0), cell: (r) => percent(r.costUsd ?? 0, totalCost) },
    ],
  });
}

/** tools: {name: {calls, failures, accepts, rejects}} */
export function toolTable(tools, caption) {
  const rows = Object.entries(tools ?? {}).map(([name, t]) => ({ name, ...t }));
  const rate = (r) => ((r.accepts ?? 0) + (r.rejects ?? 0) > 0 ? r.accepts / (r.accepts + r.rejects) : -1);
  return sortableTable({
    caption, name: 'tools', rows, sort: { key: 'calls', descending: true }, empty: 'No tool has been used yet.',
    columns: [
      { key: 'name', label: 'Tool', value: (r) => r.name, cell: (r) => r.name },
      { key: 'calls', label: 'Calls', numeric: true, value: (r) => r.calls ?? 0, cell: (r) => count(r.calls) },
      { key: 'failures', label: 'Failures', numeric: true, value: (r) => r.failures ?? 0, cell: (r) => count(r.failures) },
      { key: 'accepts', label: 'Accepted', numeric: true, value: (r) => r.accepts ?? 0, cell: (r) => count(r.accepts) },
      { key: 'rejects', label: 'Rejected', numeric: true, value: (r) => r.rejects ?? 0, cell: (r) => count(r.rejects) },
      { key: 'rate', label: 'Acceptance', numeric: true, value: rate, cell: (r) => percent(r.accepts ?? 0, (r.accepts ?? 0) + (r.rejects ?? 0)) },
    ],
  });
}

/** The chart's numbers as a table, folded away under "Show as table". */
export function dailyTable(days, figures, caption, withUsers = false) {
  const head = ['Day', 'Input', 'Output', 'Cache read', 'Cache creation', 'Cost', ...(withUsers ? ['Active users'] : [])];
  return el('details', { class: 'daily' },
    el('summary', { text: 'Show as table' }),
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
      el('table', { class: 'data' },
        el('caption', { text: caption }),
        el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { scope: 'col', class: i ? 'num' : null, text: h })))),
        el('tbody', {}, days.map((day, i) => {
          const f = figures[i];
          return el('tr', {},
            el('th', { scope: 'row', text: shortDay(day), title: day }),
            ['totalInputTokens', 'totalOutputTokens', 'totalCacheReadTokens', 'totalCacheCreationTokens']
              .map((key) => el('td', { class: 'num', text: count(f[key]) })),
            el('td', { class: 'num', text: usd(f.totalTokenCostUsd) }),
            withUsers ? el('td', { class: 'num', text: count(f.activeUsers ?? 0) }) : null);
        })))));
}
