// Budget bars: spent against the limit of the current day, week or month, with the forecast for
// the period's end marked on the same bar (see the README for how the forecast is made).
import { el } from './dom.js';
import { percent, usd, usdExact } from './format.js';

const PERIOD_NAMES = { day: 'Today', week: 'This week', month: 'This month' };

/** The section of budget bars, or nothing when there are no budgets. `whose(b)` names a
 *  budget's scope (a person, a group or the team). */
export function budgetSection(budgets, whose, titleId) {
  if (!budgets || budgets.length === 0) return null;
  return el('section', { class: 'budgets', 'aria-labelledby': titleId },
    el('h3', { id: titleId, text: 'Budgets' }),
    el('ul', { class: 'budget-list' }, budgets.map((b) => budgetBar(b, whose(b)))),
    el('p', { class: 'note', text: 'Forecast: spent so far plus the average daily cost of the last 7 days times the days left in the period.' }));
}

function budgetBar(b, who) {
  const over = b.spentUsd >= b.limitUsd;
  const forecastOver = b.forecastUsd > b.limitUsd;
  const scale = Math.max(b.limitUsd, b.forecastUsd, b.spentUsd) || 1;
  const fill = el('span', { class: 'budget-spent' });
  const marker = el('span', { class: 'budget-forecast', title: `forecast ${usdExact(b.forecastUsd)}` });
  const limit = el('span', { class: 'budget-limit' });
  // Widths through the CSSOM, which the page's style-src 'self' policy allows (no style attribute).
  fill.style.width = `${(Math.min(b.spentUsd, scale) / scale) * 100}%`;
  marker.style.left = `${(Math.min(b.forecastUsd, scale) / scale) * 100}%`;
  limit.style.left = `${(b.limitUsd / scale) * 100}%`;
  const state = over ? 'over' : forecastOver ? 'forecast-over' : b.spentUsd >= 0.8 * b.limitUsd ? 'warning' : 'ok';
  return el('li', { class: 'budget', dataset: { scope: b.scope, period: b.period, state } },
    el('p', { class: 'budget-text' },
      el('strong', {}, `${who} · ${PERIOD_NAMES[b.period] ?? b.period}`), ' ',
      el('span', { class: 'budget-figures' },
        `${usd(b.spentUsd)} of ${usd(b.limitUsd)} (${percent(b.spentUsd, b.limitUsd)}) · forecast ${usd(b.forecastUsd)}`),
      over ? el('span', { class: 'budget-flag', text: ' · over budget' })
        : forecastOver ? el('span', { class: 'budget-flag', text: ' · forecast over budget' }) : null),
    el('div', {
      class: 'budget-bar', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': String(b.limitUsd),
      'aria-valuenow': String(b.spentUsd), 'aria-valuetext': `${usd(b.spentUsd)} of ${usd(b.limitUsd)}, forecast ${usd(b.forecastUsd)}`,
      'aria-label': `${who}, ${PERIOD_NAMES[b.period] ?? b.period} (${b.from} to ${b.to})`,
    }, fill, limit, marker));
}
