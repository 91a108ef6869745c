// The per-model and per-tool tables (the same for one person and for the team) and the per-day
// (or per-week / per-month) table under each chart.
import { el } from './dom.js';
import { compact, count, percent, shortDay, usd, usdExact } from './format.js';
import { sortableTable } from './table.js';
import { tokenSum } from './figures.js';

const tokens = (key, label) => ({
  key, label, numeric: true, minor: true, value: (r) => r[key], cell: (r) => compact(r[key]), title: (r) => `${count(r[key])} tokens`,
});

/** Each amount in whole cents such that the cents add up to the rounded total (largest
 *  remainder), so a column of costs sums to the total shown beside it. */
export function centsAddingUp(amounts) {
  const exact = amounts.map((a) => Math.max(0, Number(a) || 0) * 100);
  const total = Math.round(exact.reduce((sum, x) => sum + x, 0));
  const floors = exact.map(Math.floor);
  let left = total - floors.reduce((sum, x) => sum + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floors[i] += 1;
    left -= 1;
  }
  return floors;
}

/** $2.45 from a number of cents. */
export function centsText(cents) {
  return usd(cents / 100);
}

/** models: {name: {inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, costUsd, apiRequests, apiErrors}};
 *  cacheShares: {name: share or null} (the summary's cacheEfficiency.models). */
export function modelTable(models, caption, cacheShares = null) {
  const rows = Object.entries(models ?? {}).map(([name, m]) => ({ name, ...m }));
  const totalCost = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  const cents = centsAddingUp(rows.map((r) => r.costUsd ?? 0));
  rows.forEach((r, i) => { r.cents = cents[i]; });
  return sortableTable({
    caption, name: 'models', rows, sort: { key: 'costUsd', descending: true }, empty: 'No model has been used yet.',
    columns: [
      { key: 'name', label: 'Model', value: (r) => r.name, cell: (r) => r.name },
      tokens('inputTokens', 'Input'), tokens('outputTokens', 'Output'),
      tokens('cacheReadTokens', 'Cache read'), tokens('cacheCreationTokens', 'Cache creation'),
      { key: 'tokens', label: 'All tokens', numeric: true, minor: true, value: tokenSum, cell: (r) => compact(tokenSum(r)), title: (r) => `${count(tokenSum(r))} tokens` },
      { key: 'costUsd', label: 'Cost*', numeric: true, value: (r) => r.costUsd ?? 0, cell: (r) => (r.costUsd > 0 && r.costUsd < 0.005 ? usd(r.costUsd) : centsText(r.cents)), title: (r) => usdExact(r.costUsd) },
      { key: 'apiRequests', label: 'Requests', numeric: true, minor: true, value: (r) => r.apiRequests ?? 0, cell: (r) => count(r.apiRequests) },
      { key: 'share', label: 'Cost share', numeric: true, value: (r) => (totalCost > 0 ? (r.costUsd ?? 0) / totalCost : 0), cell: (r) => percent(r.costUsd ?? 0, totalCost) },
      {
        key: 'cacheShare', label: 'Cache-read share', numeric: true, minor: true,
        value: (r) => cacheShares?.[r.name] ?? -1,
        cell: (r) => (cacheShares?.[r.name] == null ? '—' : percent(cacheShares[r.name], 1)),
        title: () => 'cache-read tokens / (input + cache-read + cache-creation tokens)',
      },
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

function bucketName(key, period) {
  if (period === 'month') return key;
  if (period === 'week') return `week of ${shortDay(key)}`;
  return shortDay(key);
}

/** The chart's numbers as a table, folded away under "Show as table". Per day it also shows
 *  the cache-read share of that day, from the day's own figures. */
export function dailyTable(days, figures, caption, withUsers = false, period = 'day') {
  const withCache = period === 'day';
  const head = ['Day', 'Input', 'Output', 'Cache read', 'Cache creation', 'Cost', ...(withCache ? ['Cache-read share'] : []), ...(withUsers ? ['Active users'] : [])];
  head[0] = { day: 'Day', week: 'Week', month: 'Month' }[period] ?? 'Day';
  return el('details', { class: 'daily' },
    el('summary', { text: 'Show as table' }),
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
      el('table', { class: 'data', dataset: { table: 'buckets' } },
        el('caption', { text: caption }),
        el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { scope: 'col', class: i ? 'num' : null, text: h })))),
        el('tbody', {}, days.map((day, i) => {
          const f = figures[i];
          const whole = f.totalInputTokens + f.totalCacheReadTokens + f.totalCacheCreationTokens;
          return el('tr', { dataset: { bucket: day } },
            el('th', { scope: 'row', text: bucketName(day, period), title: day }),
            ['totalInputTokens', 'totalOutputTokens', 'totalCacheReadTokens', 'totalCacheCreationTokens']
              .map((key) => el('td', { class: 'num', text: count(f[key]) })),
            el('td', { class: 'num', text: usd(f.totalTokenCostUsd) }),
            withCache ? el('td', { class: 'num', dataset: { key: 'cacheShare' }, text: percent(f.totalCacheReadTokens, whole) }) : null,
            withUsers ? el('td', { class: 'num', text: count(f.activeUsers ?? 0) }) : null);
        })))));
}
