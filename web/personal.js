// One person's view: …/dashboard/#user=UUID&range=30 (or &from=…&to=…, and &period=week|month).
import { el, inert, replace } from './dom.js';
import { spanQuery, userSummary } from './api.js';
import { cards, costNote } from './figures.js';
import { dailyUsageChart } from './charts.js';
import { dailyTable, modelTable, toolTable } from './breakdowns.js';
import { budgetSection } from './budgets.js';
import { bucketLabel, bucketSeries, errorBox, lastReceived, spanControls, spanLabel } from './common.js';
import { setupPanel } from './setup.js';
import { sessionSection } from './sessions.js';

export { setupLines } from './setup.js';

const BUCKET_WORDS = { day: 'Per day', week: 'Per week', month: 'Per month' };

/** Draws the personal view of `userId` into `root`; `isCurrent()` turns false when the user navigated away. */
export async function renderPersonal(root, userId, span, isCurrent) {
  replace(root, el('p', { class: 'loading', role: 'status', text: 'Loading…' }));
  let summary;
  try {
    summary = await userSummary(userId, spanQuery(span));
  } catch (error) {
    if (isCurrent()) replace(root, el('h2', { text: 'Your Claude Code usage' }), errorBox(error, 'user'));
    return;
  }
  if (!isCurrent()) return;
  document.title = `${inert(summary.name)} · Claude Code usage`;
  const heading = el('h2', { id: 'view-title' }, 'Claude Code usage of ', el('span', { class: 'name', text: summary.name }));
  if (!summary.updatedAt) {
    replace(root, heading,
      el('section', { class: 'empty-state', 'aria-labelledby': 'empty-title' },
        el('h3', { id: 'empty-title', text: 'No data received yet' }),
        el('p', { text: 'Claude Code sends its usage here once telemetry is switched on.' }),
        ...setupPanel(userId)));
    return;
  }
  const label = spanLabel(span);
  const [buckets, figures] = bucketSeries(summary, span.period, summary.rangeTotals);
  replace(root,
    heading,
    lastReceived(summary.updatedAt),
    spanControls({ user: userId }, span),
    el('section', { 'aria-labelledby': 'totals-title' },
      el('h3', { id: 'totals-title', text: 'All time' }),
      cards(summary.totals, summary.rangeTotals, label, [], summary.previousRangeTotals),
      el('p', { class: 'note', text: `▲/▼: ${label} against the ${summary.previousRange.from} – ${summary.previousRange.to} period of the same length.` }),
      costNote()),
    budgetSection(summary.budgets, () => 'Your budget', 'budgets-title'),
    el('section', { 'aria-labelledby': 'daily-title' },
      el('h3', { id: 'daily-title', text: `${BUCKET_WORDS[span.period]}, ${label} (${summary.timeZone ?? 'UTC'})` }),
      dailyUsageChart(`Tokens by type and cost ${BUCKET_WORDS[span.period].toLowerCase()}, ${label}`, buckets.map((b) => bucketLabel(b, span.period)), figures),
      dailyTable(buckets, figures, `Tokens and cost ${BUCKET_WORDS[span.period].toLowerCase()}, ${label}`, false, span.period)),
    sessionSection(summary.sessions, summary.sessionAverages),
    el('section', { 'aria-labelledby': 'models-title' },
      el('h3', { id: 'models-title', text: 'Models (all time)' }),
      modelTable(summary.models, 'Tokens, cost and requests per model', summary.cacheEfficiency?.models)),
    el('section', { 'aria-labelledby': 'tools-title' },
      el('h3', { id: 'tools-title', text: 'Tools (all time)' }),
      toolTable(summary.tools, 'Calls and edit decisions per tool')),
    el('section', { class: 'setup-section', 'aria-labelledby': 'setup-title' },
      el('details', { class: 'setup-details' },
        el('summary', {}, el('h3', { id: 'setup-title', text: 'Set up Claude Code' })),
        ...setupPanel(userId))));
}
