// The team view: …/dashboard/#team&range=30. Needs an admin read token
// (`claude-telemetry token add --name NAME`), kept in this tab's sessionStorage only: never
// in the URL, never in localStorage, gone when the tab closes.
import { el, replace, uniqueId } from './dom.js';
import { isUserId, lastDays, teamCsv, teamSummary } from './api.js';
import { cards, costNote, tokenSum } from './figures.js';
import { modelMixChart, teamDailyChart } from './charts.js';
import { dailyTable, modelTable, toolTable } from './breakdowns.js';
import { dailySeries, errorBox, rangeNav, viewHash } from './common.js';
import { compact, count, relativeTime, shortDay, usd, usdExact, utcTimestamp } from './format.js';
import { sortableTable } from './table.js';

const TOKEN_KEY = 'claude-telemetry.team-token';

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage switched off: the token then lives only as long as this page.
  }
}

let pageToken = null;

export async function renderTeam(root, rangeDays, isCurrent, rerender) {
  const token = storedToken() ?? pageToken;
  if (!token) {
    replace(root, tokenForm(root, rangeDays, isCurrent, rerender));
    return;
  }
  replace(root, el('p', { class: 'loading', role: 'status', text: 'Loading…' }));
  let summary;
  try {
    summary = await teamSummary(token, lastDays(rangeDays));
  } catch (error) {
    if (!isCurrent()) return;
    if (error.status === 401 || error.status === 403) {
      storeToken(null);
      pageToken = null;
      replace(root, tokenForm(root, rangeDays, isCurrent, rerender, refusal(error.status)));
    } else {
      replace(root, el('h2', { text: 'Team' }), errorBox(error, 'team'));
    }
    return;
  }
  if (isCurrent()) drawTeam(root, summary, rangeDays, rerender);
}

function refusal(status) {
  return status === 401
    ? 'The server needs an admin read token (HTTP 401). Paste one below.'
    : 'This token was refused (HTTP 403): it is wrong or has been revoked. Check it, or create one with claude-telemetry token add --name NAME.';
}

function tokenForm(root, rangeDays, isCurrent, rerender, problem) {
  const inputId = uniqueId('token');
  const helpId = uniqueId('token-help');
  const problemId = uniqueId('token-problem');
  const input = el('input', {
    id: inputId, name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
    'aria-describedby': problem ? `${problemId} ${helpId}` : helpId, 'aria-invalid': problem ? 'true' : null,
  });
  const form = el('form', { class: 'token-form', 'aria-labelledby': 'view-title' },
    el('h2', { id: 'view-title', text: 'Team' }),
    problem ? el('p', { id: problemId, class: 'error', role: 'alert', text: problem }) : null,
    el('label', { for: inputId, text: 'Admin read token' }),
    input,
    el('p', { id: helpId, class: 'note', text: 'An administrator creates one with claude-telemetry token add --name NAME. It is kept in this browser tab only (sessionStorage) and sent to this server alone.' }),
    el('button', { type: 'submit', text: 'Show the team' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    pageToken = token;
    storeToken(token);
    rerender();
  });
  queueMicrotask(() => input.focus());
  return form;
}

function drawTeam(root, summary, rangeDays, rerender) {
  const label = `last ${rangeDays} days`;
  const users = summary.users ?? [];
  const [days, figures] = dailySeries(summary.range, summary.days, { ...summary.rangeTotals, activeUsers: 0 });
  const models = Object.entries(summary.models ?? {}).sort((a, b) => (b[1].costUsd ?? 0) - (a[1].costUsd ?? 0));
  const forget = el('button', { type: 'button', class: 'link-button', dataset: { action: 'forget' }, text: 'Forget the token' });
  forget.addEventListener('click', () => {
    storeToken(null);
    pageToken = null;
    rerender();
  });
  const csvStatus = el('span', { class: 'note', role: 'status' });
  const csv = el('button', { type: 'button', class: 'link-button', dataset: { action: 'csv' }, text: 'Download CSV' });
  csv.addEventListener('click', () => downloadCsv(csvStatus));
  const userCard = {
    key: 'users', label: 'Users', show: () => count(users.length), exact: () => count(users.length), value: () => users.length,
  };
  replace(root,
    el('h2', { id: 'view-title', text: 'Team' }),
    el('p', { class: 'received' }, `${count(users.length)} users, generated `,
      el('time', { datetime: summary.generatedAt, title: utcTimestamp(summary.generatedAt) }, relativeTime(summary.generatedAt)),
      '. ', csv, ' (one row per user, all time) · ', forget, ' ', csvStatus),
    rangeNav({ team: true }, rangeDays),
    el('section', { 'aria-labelledby': 'totals-title' },
      el('h3', { id: 'totals-title', text: 'Team, all time' }),
      cards(summary.totals, summary.rangeTotals, label, [userCard]),
      costNote()),
    el('section', { 'aria-labelledby': 'board-title' },
      el('h3', { id: 'board-title', text: `Leaderboard, ${label}` }),
      leaderboard(users, rangeDays, `Users by cost, tokens, lines and sessions, ${label}`)),
    el('section', { 'aria-labelledby': 'daily-title' },
      el('h3', { id: 'daily-title', text: `Team cost per day, ${label} (UTC)` }),
      teamDailyChart(`Team cost and active users per day, ${label}`, days.map(shortDay), figures),
      dailyTable(days, figures, `Team tokens, cost and active users per day, ${label}`, true)),
    el('section', { 'aria-labelledby': 'models-title' },
      el('h3', { id: 'models-title', text: 'Model mix (all time)' }),
      models.length ? modelMixChart('Share of cost per model', models.map(([name]) => name), models.map(([, m]) => m.costUsd ?? 0)) : null,
      modelTable(summary.models, 'Team tokens, cost and requests per model')),
    el('section', { 'aria-labelledby': 'tools-title' },
      el('h3', { id: 'tools-title', text: 'Tools (all time)' }),
      toolTable(summary.tools, 'Team calls and edit decisions per tool')));
}

/** The CSV needs the token in a header, so it is fetched here and handed to the browser as a file. */
async function downloadCsv(status) {
  const token = storedToken() ?? pageToken;
  status.textContent = '';
  try {
    const blob = await teamCsv(token);
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: `claude-code-team-${new Date().toISOString().slice(0, 10)}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (error) {
    status.textContent = `The CSV could not be fetched (HTTP ${error.status ?? 0}${error.message ? `: ${error.message}` : ''}).`;
  }
}

function leaderboard(users, rangeDays, caption) {
  const rows = users.map((u) => ({ ...u, f: u.rangeTotals }));
  return sortableTable({
    caption, name: 'leaderboard', rows, sort: { key: 'cost', descending: true }, empty: 'No users yet (claude-telemetry user add).',
    columns: [
      {
        key: 'name', label: 'User', value: (r) => r.name,
        cell: (r) => (isUserId(r.userId) ? el('a', { href: viewHash({ user: r.userId }, rangeDays), title: r.userId, text: r.name }) : r.name),
      },
      { key: 'cost', label: 'Cost*', numeric: true, value: (r) => r.f.totalTokenCostUsd, cell: (r) => usd(r.f.totalTokenCostUsd), title: (r) => usdExact(r.f.totalTokenCostUsd) },
      { key: 'tokens', label: 'Tokens', numeric: true, value: (r) => tokenSum(r.f), cell: (r) => compact(tokenSum(r.f)), title: (r) => `${count(tokenSum(r.f))} tokens` },
      {
        key: 'lines', label: 'Lines +/−', numeric: true, value: (r) => r.f.totalLinesAdded + r.f.totalLinesRemoved,
        cell: (r) => `+${count(r.f.totalLinesAdded)} / −${count(r.f.totalLinesRemoved)}`,
      },
      { key: 'sessions', label: 'Sessions', numeric: true, value: (r) => r.f.totalSessions, cell: (r) => count(r.f.totalSessions) },
      {
        key: 'updated', label: 'Last data', value: (r) => r.updatedAt ?? '',
        cell: (r) => (r.updatedAt ? el('time', { datetime: r.updatedAt, title: utcTimestamp(r.updatedAt) }, relativeTime(r.updatedAt)) : 'never'),
      },
    ],
  });
}
