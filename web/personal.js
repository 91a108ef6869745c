// One person's view: …/dashboard/#user=UUID&range=30.
import { el, replace } from './dom.js';
import { exportEndpoint, lastDays, userSummary } from './api.js';
import { cards, costNote } from './figures.js';
import { dailyUsageChart } from './charts.js';
import { dailyTable, modelTable, toolTable } from './breakdowns.js';
import { dailySeries, errorBox, lastReceived, rangeNav } from './common.js';
import { shortDay } from './format.js';

/** Draws the personal view of `userId` into `root`; `isCurrent()` turns false when the user navigated away. */
export async function renderPersonal(root, userId, rangeDays, isCurrent) {
  replace(root, el('p', { class: 'loading', role: 'status', text: 'Loading…' }));
  const range = lastDays(rangeDays);
  let summary;
  try {
    summary = await userSummary(userId, range);
  } catch (error) {
    if (isCurrent()) replace(root, el('h2', { text: 'Your Claude Code usage' }), errorBox(error, 'user'));
    return;
  }
  if (!isCurrent()) return;
  document.title = `${summary.name} · Claude Code usage`;
  const heading = el('h2', { id: 'view-title' }, 'Claude Code usage of ', el('span', { class: 'name', text: summary.name }));
  if (!summary.updatedAt) {
    replace(root, heading, emptyState(userId));
    return;
  }
  const label = `last ${rangeDays} days`;
  const [days, figures] = dailySeries(summary.range, summary.days, summary.rangeTotals);
  replace(root,
    heading,
    lastReceived(summary.updatedAt),
    rangeNav({ user: userId }, rangeDays),
    el('section', { 'aria-labelledby': 'totals-title' },
      el('h3', { id: 'totals-title', text: 'All time' }),
      cards(summary.totals, summary.rangeTotals, label),
      costNote()),
    el('section', { 'aria-labelledby': 'daily-title' },
      el('h3', { id: 'daily-title', text: `Per day, ${label} (UTC)` }),
      dailyUsageChart(`Tokens by type and cost per day, ${label}`, days.map(shortDay), figures),
      dailyTable(days, figures, `Tokens and cost per day, ${label}`)),
    el('section', { 'aria-labelledby': 'models-title' },
      el('h3', { id: 'models-title', text: 'Models (all time)' }),
      modelTable(summary.models, 'Tokens, cost and requests per model')),
    el('section', { 'aria-labelledby': 'tools-title' },
      el('h3', { id: 'tools-title', text: 'Tools (all time)' }),
      toolTable(summary.tools, 'Calls and edit decisions per tool')));
}

/** What to paste into Claude Code's environment: the same lines as `claude-telemetry user env`. */
export function setupLines(userId) {
  return [
    ['CLAUDE_CODE_ENABLE_TELEMETRY', '1'],
    ['OTEL_METRICS_EXPORTER', 'otlp'],
    ['OTEL_LOGS_EXPORTER', 'otlp'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', exportEndpoint(userId)],
  ].map(([name, value]) => `export ${name}=${shellQuoted(value)}`);
}

/** A value as one POSIX shell word (the admin tool's rule). */
function shellQuoted(value) {
  if (value !== '' && /^[A-Za-z0-9_\-./:@%+,=]+$/.test(value)) return value;
  return `'${value.split("'").join("'\\''")}'`;
}

function emptyState(userId) {
  const lines = setupLines(userId).join('\n');
  const code = el('pre', { class: 'setup', tabindex: '0', 'aria-label': 'Environment lines for Claude Code' }, el('code', { text: lines }));
  const status = el('span', { class: 'copied', role: 'status' });
  const copy = el('button', { type: 'button', class: 'copy' }, 'Copy the lines');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(`${lines}\n`);
      status.textContent = 'Copied.';
    } catch {
      // No clipboard outside secure contexts: select the text so Ctrl+C copies it.
      const selection = window.getSelection();
      selection.selectAllChildren(code);
      status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
  return el('section', { class: 'empty-state', 'aria-labelledby': 'empty-title' },
    el('h3', { id: 'empty-title', text: 'No data received yet' }),
    el('p', { text: 'Claude Code sends its usage here once telemetry is switched on. Add these lines to the shell profile (or the environment) of whoever runs Claude Code, then start a new Claude Code session:' }),
    code,
    el('p', {}, copy, ' ', status),
    el('p', { class: 'note', text: 'The first figures appear about a minute after Claude Code starts (its metrics are exported every 60 seconds). Keep this link private: the id in it is the key to this data.' }));
}
