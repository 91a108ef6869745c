// Charts through Chart.js (Debian's libjs-chart.js, loaded by index.html as chart.js/chart.min.js
// beside this page). Labels are drawn on a canvas, so untrusted names never become markup; each
// chart also has its numbers as a table under "Show as table" for screen readers.
import { el, inert } from './dom.js';

const live = new Set();

/** Destroys every chart drawn so far (before a view is drawn again). */
export function destroyCharts() {
  for (const chart of live) chart.destroy();
  live.clear();
}

/** Colours from the stylesheet, so light and dark schemes both read well. */
function palette() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    text: read('--muted'), grid: read('--grid'),
    series: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => read(`--series-${n}`)),
    rest: read('--series-rest'),
    unknown: read('--series-unknown'),
    cost: read('--cost'),
  };
}

function available() {
  return typeof window.Chart === 'function';
}

/** A canvas in a sized box, or a note when chart.js/chart.min.js is missing. */
function frame(label, draw) {
  if (!available()) {
    return el('p', { class: 'note', text: 'Charts need Chart.js beside this page (chart.js/chart.min.js; see docs/deployment.md). The numbers are in the tables.' });
  }
  const canvas = el('canvas', { role: 'img', 'aria-label': label });
  const box = el('div', { class: 'chart-box' }, canvas);
  // Drawn once the box is in the document and has a size.
  queueMicrotask(() => {
    const colors = palette();
    window.Chart.defaults.color = colors.text;
    window.Chart.defaults.borderColor = colors.grid;
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    live.add(new window.Chart(canvas, draw(colors)));
  });
  return box;
}

const common = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
  interaction: { mode: 'index', intersect: false },
};

/** Per-day tokens by type (stacked bars) and cost (line, right axis). */
export function dailyUsageChart(label, days, figures) {
  const types = [
    ['totalInputTokens', 'Input'], ['totalOutputTokens', 'Output'],
    ['totalCacheReadTokens', 'Cache read'], ['totalCacheCreationTokens', 'Cache creation'],
  ];
  return frame(label, (colors) => ({
    data: {
      labels: days,
      datasets: [
        ...types.map(([key, name], index) => ({
          type: 'bar', label: `${name} tokens`, data: figures.map((f) => f[key]), stack: 'tokens',
          yAxisID: 'tokens', backgroundColor: colors.series[index], order: 2,
        })),
        {
          type: 'line', label: 'Cost (USD)', data: figures.map((f) => f.totalTokenCostUsd), yAxisID: 'cost',
          borderColor: colors.cost, backgroundColor: colors.cost, pointRadius: 2, tension: 0, order: 1,
        },
      ],
    },
    options: {
      ...common,
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        tokens: { stacked: true, position: 'left', beginAtZero: true, title: { display: true, text: 'tokens' } },
        cost: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'USD' } },
      },
    },
  }));
}

/** Team cost per day (bars) and active users (line, right axis). */
export function teamDailyChart(label, days, figures) {
  return frame(label, (colors) => ({
    data: {
      labels: days,
      datasets: [
        { type: 'bar', label: 'Cost (USD)', data: figures.map((f) => f.totalTokenCostUsd), yAxisID: 'cost', backgroundColor: colors.cost, order: 2 },
        {
          type: 'line', label: 'Active users', data: figures.map((f) => f.activeUsers ?? 0), yAxisID: 'users',
          borderColor: colors.series[0], backgroundColor: colors.series[0], pointRadius: 2, order: 1,
        },
      ],
    },
    options: {
      ...common,
      scales: {
        x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        cost: { position: 'left', beginAtZero: true, title: { display: true, text: 'USD' } },
        users: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: 'users' } },
      },
    },
  }));
}

/** Share of cost per model (doughnut): at most 9 parts, the ninth (the others) in the rest's colour. */
export function modelMixChart(label, names, costs) {
  return frame(label, (colors) => ({
    type: 'doughnut',
    data: { labels: names.map(inert), datasets: [{ data: costs, backgroundColor: names.map((_, i) => (i < colors.series.length ? colors.series[i] : colors.rest)) }] },
    options: { ...common, interaction: undefined, plugins: { legend: { position: 'bottom' } } },
  }));
}

/** Cost per bucket as stacked bars, one dataset per series ({name, values, kind}); a series of
 *  kind 'rest' (the others of a top 8) or 'unknown' (no model known) has a colour of its own. */
export function stackedCostChart(label, buckets, series) {
  return frame(label, (colors) => ({
    type: 'bar',
    data: {
      labels: buckets,
      datasets: series.map((s, i) => ({
        label: inert(s.name), data: s.values, stack: 'cost',
        backgroundColor: s.kind === 'rest' ? colors.rest : s.kind === 'unknown' ? colors.unknown : colors.series[i % colors.series.length],
      })),
    },
    options: {
      ...common,
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'USD' } },
      },
    },
  }));
}
