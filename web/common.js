// Pieces both views share: the range links (kept in the URL hash so a link can be shared),
// per-day series with empty days filled in, error messages, "last data received".
import { el } from './dom.js';
import { daysBetween } from './api.js';
import { relativeTime, utcTimestamp } from './format.js';

export const RANGES = [7, 30, 90];
export const DEFAULT_RANGE = 30;

/** The hash for a view: {user} or {team: true}, with a range. */
export function viewHash(view, range) {
  const params = new URLSearchParams();
  if (view.user) params.set('user', view.user);
  const parts = [view.team ? 'team' : params.toString()];
  parts.push(`range=${range}`);
  return `#${parts.join('&')}`;
}

/** Links to the same view over 7, 30 and 90 days; the current one is marked for assistive tech. */
export function rangeNav(view, current) {
  return el('nav', { class: 'ranges', 'aria-label': 'Date range' },
    RANGES.map((days) => el('a', {
      href: viewHash(view, days),
      'aria-current': days === current ? 'true' : null,
      dataset: { range: days },
    }, `${days} days`)));
}

/** [days, figures] for the whole range, with days that have no data as zeros. */
export function dailySeries(range, days, zeroLike) {
  const zero = Object.fromEntries(Object.keys(zeroLike).map((key) => [key, 0]));
  const list = daysBetween(range.from, range.to);
  return [list, list.map((day) => ({ ...zero, ...(days?.[day] ?? {}) }))];
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
