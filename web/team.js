// The team view: …/dashboard/#team&range=30. Needs an admin read token
// (`claude-telemetry token add --name NAME`), kept in this tab's sessionStorage only: never
// in the URL, never in localStorage, gone when the tab closes.
import { el, replace, uniqueId } from './dom.js';
import { daysBetween, isUserId, spanQuery, teamCsv, teamSummary } from './api.js';
import { cards, costNote, tokenSum } from './figures.js';
import { modelMixChart, stackedCostChart, teamDailyChart } from './charts.js';
import { centsAddingUp, centsText, dailyTable, modelTable, toolTable } from './breakdowns.js';
import { budgetSection } from './budgets.js';
import { bucketLabel, bucketSeries, errorBox, spanControls, spanLabel, viewHash } from './common.js';
import { compact, count, duration, percent, relativeTime, usd, usdExact, utcTimestamp } from './format.js';
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

/** `span`: the view's range and bucket size; `group`: a --team-attributes key to group by (or
 *  null); `split`: the team's cost per bucket split by 'person' or by 'model'. */
export async function renderTeam(root, span, { group, split }, isCurrent, rerender) {
  const token = storedToken() ?? pageToken;
  if (!token) {
    replace(root, tokenForm(rerender));
    return;
  }
  replace(root, el('p', { class: 'loading', role: 'status', text: 'Loading…' }));
  let summary;
  try {
    summary = await teamSummary(token, { ...spanQuery(span), ...(group ? { group } : {}) });
  } catch (error) {
    if (!isCurrent()) return;
    if (error.status === 401 || error.status === 403) {
      storeToken(null);
      pageToken = null;
      replace(root, tokenForm(rerender, refusal(error.status)));
    } else {
      replace(root, el('h2', { text: 'Team' }), errorBox(error, 'team'));
    }
    return;
  }
  if (isCurrent()) drawTeam(root, summary, span, { group, split }, rerender);
}

/** Requests waiting in the parked area (they count for nobody until claimed), or nothing. */
/** Users the server could not read (a damaged file): named, so an administrator runs verify. */
export function unreadableBanner(users) {
  if (!users || users.length === 0) return null;
  return el('div', { class: 'unreadable-banner', role: 'alert', dataset: { unreadable: String(users.length) } },
    el('p', {},
      `${count(users.length)} user${users.length === 1 ? '' : 's'} could not be read and ${users.length === 1 ? 'is' : 'are'} `
        + 'left out of these figures: ',
      el('code', { text: users.join(', ') }),
      '. An administrator finds the damaged file with ',
      el('code', { text: 'claude-telemetry verify' }),
      '.'));
}

export function parkedBanner(parked) {
  if (!parked || !(parked.requests > 0)) return null;
  const unknown = parked.unknownUserRequests > 0
    ? ` (${count(parked.unknownUserRequests)} of them named a user id nobody has)`
    : '';
  return el('div', { class: 'parked-banner', role: 'status', dataset: { parked: String(parked.requests) } },
    el('p', {},
      `${count(parked.requests)} parked request${parked.requests === 1 ? '' : 's'} from `
        + `${count(parked.installations)} unclaimed installation${parked.installations === 1 ? '' : 's'}${unknown} `
        + 'wait to be claimed and are not in these figures. An administrator lists them with ',
      el('code', { text: parked.command }),
      ' and adds them to a user with ',
      el('code', { text: 'claude-telemetry user claim' }),
      '.'));
}

function refusal(status) {
  return status === 401
    ? 'The server needs an admin read token (HTTP 401). Paste one below.'
    : 'This token was refused (HTTP 403): it is wrong or has been revoked. Check it, or create one with claude-telemetry token add --name NAME.';
}

function tokenForm(rerender, problem) {
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

const BUCKET_WORDS = { day: 'per day', week: 'per week', month: 'per month' };

function drawTeam(root, summary, span, { group, split }, rerender) {
  const label = spanLabel(span);
  const users = summary.users ?? [];
  const active = users.filter((u) => u.updatedAt);
  const silent = users.filter((u) => !u.updatedAt);
  const [buckets, figures] = bucketSeries(summary, span.period, { ...summary.rangeTotals, activeUsers: 0 });
  const bucketLabels = buckets.map((b) => bucketLabel(b, span.period));
  const models = Object.entries(summary.models ?? {}).sort((a, b) => (b[1].costUsd ?? 0) - (a[1].costUsd ?? 0));
  const forget = el('button', { type: 'button', class: 'link-button', dataset: { action: 'forget' }, text: 'Forget the token' });
  forget.addEventListener('click', () => {
    storeToken(null);
    pageToken = null;
    rerender();
  });
  const csvStatus = el('span', { class: 'note', role: 'status' });
  const csv = el('button', { type: 'button', class: 'link-button', dataset: { action: 'csv' }, text: 'Download CSV' });
  csv.addEventListener('click', () => downloadCsv(csvStatus, spanQuery(span)));
  // Users: everyone all time; under it, those with data in the range, with the trend against
  // those with data in the previous range of the same length.
  const userCard = {
    key: 'users', label: 'Users', show: (f) => count(f.users), exact: (f) => `${count(f.users)} users`, value: (f) => f.users,
  };
  const withUsers = (f, n) => ({ ...f, users: n });
  // Average per session: cost over sessions started (claude_code.session.count), in the card's span.
  const perSession = (f) => (f.totalSessions > 0 ? f.totalTokenCostUsd / f.totalSessions : '');
  const sessionCard = {
    key: 'costPerSession', label: 'Cost per session*',
    show: (f) => (perSession(f) === '' ? '—' : usd(perSession(f))),
    exact: (f) => (perSession(f) === '' ? 'no sessions' : `${usdExact(f.totalTokenCostUsd)} over ${count(f.totalSessions)} sessions`),
    value: perSession,
  };
  const names = Object.fromEntries(users.map((u) => [u.userId, u.name]));
  const whose = (b) => (b.scope === 'team' ? 'Team' : b.scope === 'group' ? `${b.groupKey} = ${b.groupValue}` : (names[b.userId] ?? b.userId));
  // The donut: the 8 models that cost most, then the others as one part (9 colours would repeat).
  const mix = models.length > 9
    ? [...models.slice(0, 8), [`${models.length - 8} other models`, { costUsd: models.slice(8).reduce((sum, [, m]) => sum + (m.costUsd ?? 0), 0) }]]
    : models;
  const modelCents = centsAddingUp(mix.map(([, m]) => m.costUsd ?? 0));
  const modelTotal = modelCents.reduce((sum, c) => sum + c, 0);
  replace(root,
    el('h2', { id: 'view-title', text: 'Team' }),
    el('p', { class: 'received' }, `${count(users.length)} users, generated `,
      el('time', { datetime: summary.generatedAt, title: utcTimestamp(summary.generatedAt) }, relativeTime(summary.generatedAt)),
      '. ', csv, ` (one row per user${span.period !== 'day' ? ` and ${span.period}` : ''}, ${label}) · `, forget, ' ', csvStatus),
    unreadableBanner(summary.unreadableUsers),
    parkedBanner(summary.parked),
    spanControls({ team: true, group, split }, span),
    el('section', { 'aria-labelledby': 'totals-title' },
      el('h3', { id: 'totals-title', text: 'Team, all time' }),
      cards(withUsers(summary.totals, users.length), withUsers(summary.rangeTotals, summary.activeUsers?.range ?? 0), label,
        [userCard, sessionCard], withUsers(summary.previousRangeTotals, summary.activeUsers?.previousRange ?? 0)),
      el('p', { class: 'note', text: `▲/▼: ${label} against the ${summary.previousRange.from} – ${summary.previousRange.to} period of the same length.` }),
      costNote()),
    budgetSection(summary.budgets, whose, 'budgets-title'),
    el('section', { 'aria-labelledby': 'board-title' },
      el('h3', { id: 'board-title', text: `Leaderboard, ${label}` }),
      leaderboard(active, span, `Users by cost, outcomes, tokens, lines and sessions, ${label}`),
      silent.length ? el('p', { class: 'no-data', dataset: { count: silent.length } }, 'No data received yet (not ranked): ',
        silent.map((u, i) => [i ? ', ' : '', isUserId(u.userId) ? el('a', { href: viewHash({ user: u.userId }, span), text: u.name }) : u.name])) : null),
    el('section', { 'aria-labelledby': 'daily-title' },
      el('h3', { id: 'daily-title', text: `Team cost ${BUCKET_WORDS[span.period]}, ${label} (${summary.timeZone ?? 'UTC'})` }),
      teamDailyChart(`Team cost and active users ${BUCKET_WORDS[span.period]}, ${label}`, bucketLabels, figures),
      dailyTable(buckets, figures, `Team tokens, cost and active users ${BUCKET_WORDS[span.period]}, ${label}`, true, span.period)),
    splitSection(summary, span, { group, split }, bucketLabels),
    groupSection(summary, span, { group, split }, bucketLabels),
    el('section', { 'aria-labelledby': 'models-title' },
      el('h3', { id: 'models-title', text: 'Model mix (all time)' }),
      models.length ? el('figure', { class: 'model-mix' },
        modelMixChart('Cost share per model', mix.map(([name], i) => `${name}: ${centsText(modelCents[i])} (${percent(modelCents[i], modelTotal)})`), mix.map(([, m]) => m.costUsd ?? 0)),
        el('figcaption', { text: `Cost share per model, all time: ${centsText(modelTotal)} in total; the parts are rounded to cents that add up to it.` })) : null,
      modelTable(summary.models, 'Team tokens, cost and requests per model', summary.cacheEfficiency?.models)),
    el('section', { 'aria-labelledby': 'tools-title' },
      el('h3', { id: 'tools-title', text: 'Tools (all time)' }),
      toolTable(summary.tools, 'Team calls and edit decisions per tool')));
}

/** The bucket (of `keys`, sorted) a day falls in. */
function bucketOf(day, keys, period) {
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  let found = keys[0];
  for (const key of keys) if (key <= day) found = key;
  return found;
}

/** Cost per bucket of each of `series` ([label, [cost per day…], kind?]): the days' costs added up. */
function costSeries(summary, span, series) {
  const keys = span.period === 'day' ? daysBetween(summary.range.from, summary.range.to) : Object.keys(summary.periods ?? {}).sort();
  const index = Object.fromEntries(keys.map((k, i) => [k, i]));
  return series.map(([name, byDays, kind]) => {
    const values = keys.map(() => 0);
    for (const byDay of byDays) {
      for (const [day, cost] of Object.entries(byDay ?? {})) {
        const at = index[bucketOf(day, keys, span.period)];
        if (at !== undefined) values[at] += cost;
      }
    }
    return { name, values, kind: kind ?? null };
  });
}

const SPLITS = [['person', 'By person'], ['model', 'By model']];

/** Team cost per bucket split by person or by model (the switch is kept in the URL): the 8 who
 *  (or which) cost most in the range, then the rest together. By model, what no model accounts
 *  for (days stored before cost was kept per model and day) is its own "unknown model" series,
 *  never spread over models. */
function splitSection(summary, span, view, labels) {
  const split = view.split === 'model' ? 'model' : 'person';
  const switcher = el('nav', { class: 'split-switch', 'aria-label': 'Split team cost' },
    SPLITS.map(([key, label]) => el('a', {
      href: viewHash({ team: true, ...view, split: key }, span),
      'aria-current': key === split ? 'true' : null,
      dataset: { split: key },
    }, label)));
  const [series, title, head, note] = split === 'model' ? modelSplit(summary, span) : personSplit(summary, span);
  const words = BUCKET_WORDS[span.period];
  return el('section', { 'aria-labelledby': 'split-title', dataset: { split } },
    el('h3', { id: 'split-title', text: `Team cost ${words} by ${title}` }),
    switcher,
    series.length === 0 ? el('p', { class: 'note', text: `No cost in this range.` }) : [
      stackedCostChart(`Team cost ${words} by ${head.toLowerCase()}`, labels, series),
      seriesTable('split', head, labels, series, `Cost ${words} by ${head.toLowerCase()}`),
      note ? el('p', { class: 'note', dataset: { note: 'unknown-model' }, text: note }) : null,
    ]);
}

function personSplit(summary, span) {
  const users = [...(summary.users ?? [])].filter((u) => u.updatedAt)
    .sort((a, b) => b.rangeTotals.totalTokenCostUsd - a.rangeTotals.totalTokenCostUsd || a.name.localeCompare(b.name));
  const top = users.slice(0, 8);
  const rest = users.slice(8);
  const series = costSeries(summary, span, [
    ...top.map((u) => [u.name, [u.costByDay]]),
    ...(rest.length ? [[`${rest.length} others`, rest.map((u) => u.costByDay), 'rest']] : []),
  ]);
  return [series, `person (top 8${rest.length ? ' and others' : ''})`, 'Person', null];
}

function modelSplit(summary, span) {
  const byModel = {};
  const unknown = {};
  for (const [day, entry] of Object.entries(summary.modelsByDay ?? {})) {
    for (const [name, m] of Object.entries(entry.models ?? {})) {
      byModel[name] = byModel[name] ?? {};
      byModel[name][day] = m.costUsd ?? 0;
    }
    if (entry.unknownModel?.costUsd) unknown[day] = entry.unknownModel.costUsd;
  }
  const total = (byDay) => Object.values(byDay).reduce((a, b) => a + b, 0);
  const models = Object.keys(byModel).filter((name) => total(byModel[name]) > 0)
    .sort((a, b) => total(byModel[b]) - total(byModel[a]) || (a < b ? -1 : a > b ? 1 : 0));
  const top = models.slice(0, 8);
  const rest = models.slice(8);
  const hasUnknown = total(unknown) > 0;
  const series = costSeries(summary, span, [
    ...top.map((name) => [name, [byModel[name]]]),
    ...(rest.length ? [[`${rest.length} other models`, rest.map((name) => byModel[name]), 'rest']] : []),
    ...(hasUnknown ? [['unknown model', [unknown], 'unknown']] : []),
  ]);
  const note = hasUnknown
    ? 'unknown model: cost of days stored before cost was kept per model and day (or reported without a model); it is not spread over models.'
    : null;
  return [series, `model (top 8${rest.length ? ' and others' : ''})`, 'Model', note];
}

/** "Group by" a --team-attributes key (every configured key): cost per bucket per group, the
 *  group labelled by its key. The choice is kept in the URL. */
function groupSection(summary, span, { group, split }, labels) {
  const keys = summary.groupKeys ?? [];
  if (keys.length === 0 && !group) return null;
  const selectId = uniqueId('group');
  const select = el('select', { id: selectId, name: 'group' },
    el('option', { value: '', text: 'nobody (no grouping)' }),
    keys.map((key) => el('option', { value: key, selected: key === group, text: key })));
  select.addEventListener('change', () => {
    location.hash = viewHash({ team: true, group: select.value || null, split }, span);
  });
  const control = el('p', { class: 'group-control' }, el('label', { for: selectId, text: 'Group users by ' }), select);
  if (!group || !summary.groups) {
    return el('section', { 'aria-labelledby': 'groups-title' }, el('h3', { id: 'groups-title', text: 'Groups' }), control);
  }
  const byId = Object.fromEntries((summary.users ?? []).map((u) => [u.userId, u]));
  const series = costSeries(summary, span, summary.groups.map((g) => [g.value, g.members.map((id) => byId[id]?.costByDay).filter(Boolean)]));
  return el('section', { 'aria-labelledby': 'groups-title' },
    el('h3', { id: 'groups-title', text: `Cost ${BUCKET_WORDS[span.period]} by ${group}` }),
    control,
    stackedCostChart(`Cost ${BUCKET_WORDS[span.period]} by ${group}`, labels, series),
    seriesTable('groups', group, labels, series, `Cost ${BUCKET_WORDS[span.period]} by ${group}`, summary.groups));
}

/** A series chart's numbers: one row per series, its total over the range first. */
function seriesTable(name, head, labels, series, caption, groups = null) {
  return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    el('table', { class: 'data', dataset: { table: name } },
      el('caption', { text: caption }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: head }),
        groups ? el('th', { scope: 'col', class: 'num', text: 'Members' }) : null,
        el('th', { scope: 'col', class: 'num', text: 'Total' }),
        labels.map((l) => el('th', { scope: 'col', class: 'num minor', text: l })))),
      el('tbody', {}, series.map((s, i) => el('tr', { dataset: s.kind ? { series: s.name, kind: s.kind } : { series: s.name } },
        el('th', { scope: 'row', text: s.name }),
        groups ? el('td', { class: 'num', dataset: { key: 'members' }, text: count(groups[i].members.length) }) : null,
        el('td', { class: 'num', dataset: { key: 'total' }, title: usdExact(s.values.reduce((a, b) => a + b, 0)), text: usd(s.values.reduce((a, b) => a + b, 0)) }),
        s.values.map((v) => el('td', { class: 'num minor', text: usd(v) })))))));
}

/** The CSV needs the token in a header, so it is fetched here and handed to the browser as a file. */
async function downloadCsv(status, query) {
  const token = storedToken() ?? pageToken;
  status.textContent = '';
  try {
    const blob = await teamCsv(token, query);
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

function leaderboard(users, span, caption) {
  const rows = users.map((u) => ({ ...u, f: u.rangeTotals, o: u.outcomes ?? {} }));
  const ratio = (key, label, show) => ({
    key, label, numeric: true, value: (r) => r.o[key] ?? -1, cell: (r) => (r.o[key] == null ? '—' : show(r.o[key])),
    title: (r) => (r.o[key] == null ? 'nothing to divide by in this range' : String(r.o[key])),
  });
  return sortableTable({
    caption, name: 'leaderboard', rows, sort: { key: 'cost', descending: true }, empty: 'No user has sent data yet (claude-telemetry user add, then the set-up lines).',
    columns: [
      {
        key: 'name', label: 'User', value: (r) => r.name,
        cell: (r) => (isUserId(r.userId) ? el('a', { href: viewHash({ user: r.userId }, span), title: r.userId, text: r.name }) : r.name),
      },
      { key: 'cost', label: 'Cost*', numeric: true, value: (r) => r.f.totalTokenCostUsd, cell: (r) => usd(r.f.totalTokenCostUsd), title: (r) => usdExact(r.f.totalTokenCostUsd) },
      { key: 'tokens', label: 'Tokens', numeric: true, minor: true, value: (r) => tokenSum(r.f), cell: (r) => compact(tokenSum(r.f)), title: (r) => `${count(tokenSum(r.f))} tokens` },
      { key: 'active', label: 'Active time', numeric: true, value: (r) => r.f.totalMinutes, cell: (r) => duration(r.f.totalMinutes), title: (r) => `${Number(r.f.totalMinutes).toFixed(2)} minutes` },
      { key: 'commits', label: 'Commits', numeric: true, value: (r) => r.f.aiAssistedCommits, cell: (r) => count(r.f.aiAssistedCommits) },
      { key: 'prs', label: 'PRs', numeric: true, value: (r) => r.f.prsCreated, cell: (r) => count(r.f.prsCreated) },
      ratio('costPerCommitUsd', 'Cost / commit', usd),
      ratio('costPerPullRequestUsd', 'Cost / PR', usd),
      ratio('costPer100LinesAddedUsd', 'Cost / 100 lines', usd),
      ratio('editAcceptance', 'Edit acceptance', (v) => percent(v, 1)),
      {
        key: 'lines', label: 'Lines +/−', numeric: true, minor: true, value: (r) => r.f.totalLinesAdded + r.f.totalLinesRemoved,
        cell: (r) => `+${count(r.f.totalLinesAdded)} / −${count(r.f.totalLinesRemoved)}`,
      },
      { key: 'sessions', label: 'Sessions', numeric: true, minor: true, value: (r) => r.f.totalSessions, cell: (r) => count(r.f.totalSessions) },
      {
        key: 'updated', label: 'Last data', minor: true, value: (r) => r.updatedAt ?? '',
        cell: (r) => (r.updatedAt ? el('time', { datetime: r.updatedAt, title: utcTimestamp(r.updatedAt) }, relativeTime(r.updatedAt)) : 'never'),
      },
    ],
  });
}
