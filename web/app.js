// The router: the URL hash says which view (#user=UUID, #team, nothing) and range (&range=7|30|90).
import { el, replace, uniqueId } from './dom.js';
import { isUserId } from './api.js';
import { DEFAULT_RANGE, parseSpan, viewHash } from './common.js';
import { destroyCharts } from './charts.js';
import { renderPersonal } from './personal.js';
import { renderTeam } from './team.js';

const root = document.getElementById('view');
let generation = 0;

function parseHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return {
    team: params.has('team'),
    user: params.get('user'),
    group: params.get('group') || null,
    split: params.get('split') === 'model' ? 'model' : 'person',
    span: parseSpan(params),
  };
}

let firstRoute = true;

async function route() {
  // Replacing the view drops the focused element: remember where the reader was.
  const fromRange = Boolean(document.activeElement?.closest?.('.ranges, .periods, .split-switch'));
  const fromPeriod = document.activeElement?.dataset?.period ?? null;
  const fromSplit = document.activeElement?.dataset?.split ?? null;
  const initial = firstRoute;
  firstRoute = false;
  generation += 1;
  const mine = generation;
  const isCurrent = () => mine === generation;
  destroyCharts();
  document.title = 'Claude Code usage';
  const view = parseHash();
  for (const link of document.querySelectorAll('[data-nav]')) {
    const active = link.dataset.nav === (view.team ? 'team' : 'user');
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (view.team) {
    await renderTeam(root, view.span, { group: view.group, split: view.split }, isCurrent, route);
  } else if (view.user !== null) {
    if (isUserId(view.user)) await renderPersonal(root, view.user.toLowerCase(), view.span, isCurrent);
    else replace(root, el('div', { class: 'error', role: 'alert' }, el('p', { text: 'This link has no valid user id: it should end in #user= and 36 characters such as 123e4567-e89b-12d3-a456-426614174000.' })));
  } else {
    replace(root, home());
  }
  if (!initial && isCurrent()) restoreFocus(fromRange, fromPeriod, fromSplit);
}

/** After an in-page navigation, focus the range link just chosen, or the new view's title,
 *  so keyboard and screen-reader users continue from there (a form keeps its own focus). */
function restoreFocus(fromRange, fromPeriod, fromSplit) {
  if (document.activeElement && document.activeElement !== document.body) return;
  const chosen = fromSplit ? root.querySelector('.split-switch a[aria-current="true"]')
    : fromPeriod ? root.querySelector('.periods a[aria-current="true"]') : root.querySelector('.ranges a[aria-current="true"]');
  const target = (fromRange && chosen) || root.querySelector('#view-title');
  if (!target) return;
  if (!target.matches('a[href], button, input')) target.setAttribute('tabindex', '-1');
  target.focus();
}

function home() {
  const inputId = uniqueId('user');
  const input = el('input', { id: inputId, name: 'user', autocomplete: 'off', spellcheck: 'false', required: true, pattern: '[0-9a-fA-F-]{36}' });
  const form = el('form', { class: 'token-form' },
    el('h2', { id: 'view-title', text: 'Your Claude Code usage' }),
    el('label', { for: inputId, text: 'Your user id' }),
    input,
    el('p', { class: 'note', text: 'claude-telemetry user add printed it, with a direct link to this page. Team administrators: open the Team view.' }),
    el('button', { type: 'submit', text: 'Show my usage' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = viewHash({ user: input.value.trim() }, DEFAULT_RANGE);
  });
  return form;
}

window.addEventListener('hashchange', route);
// Redraw the charts in the new colours when the system switches between light and dark.
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', route);
route();
