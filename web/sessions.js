// The personal page's sessions: the last 100 by session.id, most recent first, and the
// average per session of the listed ones.
import { el } from './dom.js';
import { compact, count, duration, usd, usdExact, utcTimestamp } from './format.js';
import { sortableTable } from './table.js';
import { tokenSum } from './figures.js';

export function sessionSection(sessions, averages) {
  if (!sessions || sessions.length === 0) return null;
  const a = averages ?? {};
  return el('section', { 'aria-labelledby': 'sessions-title' },
    el('h3', { id: 'sessions-title', text: `Sessions (the last ${sessions.length})` }),
    el('p', { class: 'session-averages', dataset: { count: a.sessions ?? 0 } },
      `Average per session: ${usd(a.totalTokenCostUsd ?? 0)}, ${compact(a.tokens ?? 0)} tokens, `
      + `${duration(a.totalMinutes ?? 0)} active, ${count(a.totalLinesAdded ?? 0)} lines added.`),
    sortableTable({
      caption: 'Sessions: start, last activity, active time, cost, tokens, models, lines, commits, pull requests, API errors',
      name: 'sessions', rows: sessions, sort: { key: 'last', descending: true },
      columns: [
        { key: 'id', label: 'Session', value: (r) => r.id, cell: (r) => r.id },
        { key: 'start', label: 'Start', minor: true, value: (r) => r.start, cell: (r) => utcTimestamp(r.start) },
        { key: 'last', label: 'Last activity', value: (r) => r.lastActivity, cell: (r) => utcTimestamp(r.lastActivity) },
        { key: 'active', label: 'Active', numeric: true, minor: true, value: (r) => r.totals.totalMinutes, cell: (r) => duration(r.totals.totalMinutes) },
        { key: 'cost', label: 'Cost*', numeric: true, value: (r) => r.totals.totalTokenCostUsd, cell: (r) => usd(r.totals.totalTokenCostUsd), title: (r) => usdExact(r.totals.totalTokenCostUsd) },
        { key: 'tokens', label: 'Tokens', numeric: true, minor: true, value: (r) => tokenSum(r.totals), cell: (r) => compact(tokenSum(r.totals)), title: (r) => `${count(tokenSum(r.totals))} tokens` },
        { key: 'models', label: 'Models', minor: true, value: (r) => r.models.join(', '), cell: (r) => r.models.join(', ') },
        { key: 'lines', label: 'Lines +/−', numeric: true, minor: true, value: (r) => r.totals.totalLinesAdded, cell: (r) => `+${count(r.totals.totalLinesAdded)} / −${count(r.totals.totalLinesRemoved)}` },
        { key: 'commits', label: 'Commits', numeric: true, minor: true, value: (r) => r.totals.aiAssistedCommits, cell: (r) => count(r.totals.aiAssistedCommits) },
        { key: 'prs', label: 'PRs', numeric: true, minor: true, value: (r) => r.totals.prsCreated, cell: (r) => count(r.totals.prsCreated) },
        { key: 'errors', label: 'API errors', numeric: true, minor: true, value: (r) => r.totals.apiErrors, cell: (r) => count(r.totals.apiErrors) },
      ],
    }));
}
