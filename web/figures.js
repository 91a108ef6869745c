// The cards: one figure each, all time in large type, the selected range below it. Each
// value carries its exact number (data-value, title) so nothing is lost to rounding.
import { el } from './dom.js';
import { compact, count, duration, percent, usd, usdExact } from './format.js';

const TOKENS = (key, label) => ({
  key, label,
  show: (f) => compact(f[key]),
  exact: (f) => `${count(f[key])} tokens`,
  value: (f) => f[key],
});
const COUNT = (key, label) => ({
  key, label,
  show: (f) => count(f[key]),
  exact: (f) => count(f[key]),
  value: (f) => f[key],
});

/** The figures of README "Figures in totals" a person asks about, in reading order. */
export const CARDS = [
  TOKENS('totalInputTokens', 'Input tokens'),
  TOKENS('totalOutputTokens', 'Output tokens'),
  TOKENS('totalCacheReadTokens', 'Cache-read tokens'),
  TOKENS('totalCacheCreationTokens', 'Cache-creation tokens'),
  {
    key: 'totalTokenCostUsd', label: 'Cost (USD)*', note: true,
    show: (f) => usd(f.totalTokenCostUsd), exact: (f) => usdExact(f.totalTokenCostUsd), value: (f) => f.totalTokenCostUsd,
  },
  COUNT('totalSessions', 'Sessions'),
  {
    key: 'totalMinutes', label: 'Active time',
    show: (f) => duration(f.totalMinutes), exact: (f) => `${Number(f.totalMinutes).toFixed(2)} minutes`, value: (f) => f.totalMinutes,
  },
  COUNT('totalLinesAdded', 'Lines added'),
  COUNT('totalLinesRemoved', 'Lines removed'),
  COUNT('aiAssistedCommits', 'Commits'),
  COUNT('prsCreated', 'Pull requests'),
  {
    key: 'editAcceptance', label: 'Edit acceptance',
    show: (f) => percent(f.editsAccepted, f.editsAccepted + f.editsRejected),
    exact: (f) => `${count(f.editsAccepted)} accepted, ${count(f.editsRejected)} rejected`,
    value: (f) => (f.editsAccepted + f.editsRejected > 0 ? f.editsAccepted / (f.editsAccepted + f.editsRejected) : ''),
  },
  COUNT('apiErrors', 'API errors'),
  {
    key: 'cacheReadShare', label: 'Cache-read share',
    show: (f) => percent(f.totalCacheReadTokens, f.totalInputTokens + f.totalCacheReadTokens + f.totalCacheCreationTokens),
    exact: (f) => `${count(f.totalCacheReadTokens)} of ${count(f.totalInputTokens + f.totalCacheReadTokens + f.totalCacheCreationTokens)} input-side tokens read from the cache`,
    value: (f) => {
      const whole = f.totalInputTokens + f.totalCacheReadTokens + f.totalCacheCreationTokens;
      return whole > 0 ? f.totalCacheReadTokens / whole : '';
    },
  },
];

/** ▲ 25% / ▼ 10% / — : the range against the previous range of the same length. A card whose
 *  value is a share compares shares; a change from nothing reads "new". */
export function trend(card, current, previous) {
  const now = Number(card.value(current));
  const before = Number(card.value(previous));
  const hasNow = card.value(current) !== '' && !Number.isNaN(now);
  const hasBefore = card.value(previous) !== '' && !Number.isNaN(before);
  if (!hasNow || (now === 0 && (!hasBefore || before === 0))) return { text: '—', direction: 'flat' };
  if (!hasBefore || before === 0) return { text: '▲ new', direction: 'up' };
  const change = ((now - before) / Math.abs(before)) * 100;
  if (Math.abs(change) < 0.05) return { text: '± 0%', direction: 'flat' };
  const size = Math.abs(change) >= 10 ? Math.round(Math.abs(change)) : Math.abs(change).toFixed(1);
  return change > 0 ? { text: `▲ ${size}%`, direction: 'up' } : { text: `▼ ${size}%`, direction: 'down' };
}

/** A <dl> of cards for `totals` (all time) with `rangeTotals` under each and, when
 *  `previousTotals` is given, the trend against the previous range of the same length. */
export function cards(totals, rangeTotals, rangeLabel, extra = [], previousTotals = null) {
  return el('dl', { class: 'cards' }, [...extra, ...CARDS].map((card) => {
    const change = previousTotals ? trend(card, rangeTotals, previousTotals) : null;
    return el('div', { class: 'card', dataset: { figure: card.key } },
      el('dt', { text: card.label }),
      el('dd', { class: 'figure', title: card.exact(totals), dataset: { value: card.value(totals) } }, card.show(totals)),
      el('dd', { class: 'sub' }, `${rangeLabel}: `, el('span', { title: card.exact(rangeTotals) }, card.show(rangeTotals))),
      change ? el('dd', {
        class: 'trend', dataset: { direction: change.direction },
        title: `previous period of the same length: ${card.exact(previousTotals)}`,
        'aria-label': `${change.text.replace('▲', 'up').replace('▼', 'down')} against the previous period`,
      }, change.text) : null);
  }));
}

/** The footnote every cost figure refers to. */
export function costNote() {
  return el('p', { class: 'note', id: 'cost-note' },
    '* Cost is Claude Code\'s own estimate at API list prices. With a Pro, Max, Team or Enterprise subscription it is not what you pay.');
}

/** Sum of the four token types of a figures object or a model row. */
export function tokenSum(f) {
  return (f.totalInputTokens ?? f.inputTokens ?? 0) + (f.totalOutputTokens ?? f.outputTokens ?? 0)
    + (f.totalCacheReadTokens ?? f.cacheReadTokens ?? 0) + (f.totalCacheCreationTokens ?? f.cacheCreationTokens ?? 0);
}
