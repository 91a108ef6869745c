// Pieces both views share: the span controls (7/30/90 days or a custom range, and days / weeks
// / months), all kept in the URL hash so a link shows the same view to someone else; per-bucket
// series with empty buckets filled in; error messages; "last data received".
import { el, uniqueId } from './dom.js';
import { daysBetween, isDay } from './api.js';
import { relativeTime, shortDay, utcTimestamp } from './format.js';

export const RANGES = [7, 30, 90];
export const DEFAULT_RANGE = 30;
export const PERIODS = [['day', 'Days'], ['week', 'Weeks'], ['month', 'Months']];

/** The span of a view: `range` days up to today, or `from`..`to`; buckets of `period`. */
export function parseSpan(params) {
  const range = Number(params.get('range'));
  const from = params.get('from');
  const to = params.get('to');
  const period = PERIODS.some(([p]) => p === params.get('period')) ? params.get('period') : 'day';
  if (isDay(from) && isDay(to) && from <= to) return { range: null, from, to, period };
  return { range: RANGES.includes(range) ? range : DEFAULT_RANGE, from: null, to: null, period };
}

/** The hash for a view: {user} or {team: true, group?, split?}, with a span (or just a number of days).
 *  `split`: how the team's cost per bucket is split, 'person' (the default, left out) or 'model'. */
export function viewHash(view, span) {
  const s = typeof span === 'number' ? { range: span, period: 'day' } : span;
  const params = new URLSearchParams();
  if (view.user) params.set('user', view.user);
  const parts = [view.team ? 'team' : params.toString()];
  if (view.team && view.group) parts.push(`group=${encodeURIComponent(view.group)}`);
  if (view.team && view.split === 'model') parts.push('split=model');
  if (s.from && s.to) parts.push(`from=${s.from}`, `to=${s.to}`);
  else parts.push(`range=${s.range ?? DEFAULT_RANGE}`);
  if (s.period && s.period !== 'day') parts.push(`period=${s.period}`);
  return `#${parts.join('&')}`;
}

/** "last 30 days" or "2026-11-01 – 2026-11-24". */
export function spanLabel(span) {
  return span.from ? `${span.from} – ${span.to}` : `last ${span.range} days`;
}

/** Links to the same view over 7, 30 and 90 days, a custom range form, and days / weeks /
 *  months; the current choices are marked for assistive technology. */
export function spanControls(view, span) {
  const fromId = uniqueId('from');
  const toId = uniqueId('to');
  const from = el('input', { id: fromId, type: 'date', name: 'from', required: true, value: span.from ?? '' });
  const to = el('input', { id: toId, type: 'date', name: 'to', required: true, value: span.to ?? '' });
  const form = el('form', { class: 'custom-range', 'aria-label': 'Custom date range' },
    el('label', { for: fromId, text: 'From' }), from,
    el('label', { for: toId, text: 'to' }), to,
    el('button', { type: 'submit', text: 'Show' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!isDay(from.value) || !isDay(to.value)) return;
    const [a, b] = from.value <= to.value ? [from.value, to.value] : [to.value, from.value];
    location.hash = viewHash(view, { from: a, to: b, period: span.period });
  });
  return el('div', { class: 'span-controls' },
    el('nav', { class: 'ranges', 'aria-label': 'Date range' },
      RANGES.map((days) => el('a', {
        href: viewHash(view, { range: days, period: span.period }),
        'aria-current': !span.from && days === span.range ? 'true' : null,
        dataset: { range: days },
      }, `${days} days`))),
    form,
    el('nav', { class: 'periods', 'aria-label': 'Bucket size' },
      PERIODS.map(([period, label]) => el('a', {
        href: viewHash(view, { ...span, period }),
        'aria-current': period === span.period ? 'true' : null,
        dataset: { period },
      }, label))));
}

/** [labels, figures] for the whole range: per day (empty days as zeros) or per period bucket. */
export function bucketSeries(summary, period, zeroLike) {
  const zero = Object.fromEntries(Object.keys(zeroLike).map((key) => [key, 0]));
  if (period !== 'day' && summary.periods) {
    const keys = Object.keys(summary.periods).sort();
    return [keys, keys.map((key) => ({ ...zero, ...summary.periods[key].totals, activeUsers: summary.periods[key].activeUsers ?? 0 }))];
  }
  const list = daysBetween(summary.range.from, summary.range.to);
  return [list, list.map((day) => ({ ...zero, ...(summary.days?.[day] ?? {}) }))];
}

/** A bucket label for a chart axis: "Dec 4", "wk Nov 30", "2026-11". */
export function bucketLabel(key, period) {
  if (period === 'month') return key;
  if (period === 'week') return `wk ${shortDay(key)}`;
  return shortDay(key);
}

/** "Last data received: 5 min ago" with the exact time in a <time> element. */
export function lastReceived(updatedAt) {
  if (!updatedAt) return el('p', { class: 'received', dataset: { updated: '' } }, 'No data received yet.');
  return el('p', { class: 'received', dataset: { updated: updatedAt } }, 'Last data received: ',
    el('time', { datetime: updatedAt, title: utcTimestamp(updatedAt) }, relativeTime(updatedAt)),
    ` (${utcTimestamp(updatedAt)})`);
}

/** A message for a failed request, saying what to do. */
export function errorBox(error, what) {
  const status = error.status ?? 0;
  const hints = {
    0: error.message,
    400: `The request was refused: ${error.message}`,
    404: `No ${what} with this id here. Check the link you were given (claude-telemetry user env ID prints it again).`,
    503: 'The data is temporarily unavailable. Try again in a minute.',
  };
  const text = hints[status] ?? `The server answered HTTP ${status}${error.message ? `: ${error.message}` : ''}.`;
  return el('div', { class: 'error', role: 'alert' }, el('p', { text }));
}
