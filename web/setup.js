// The lines a person pastes so Claude Code exports here: the user-in-path form first (what
// `claude-telemetry user env` recommends), the header form, a copy button for each, and the
// opt-in for traces (Claude Code's enhanced telemetry beta).
import { el, uniqueId } from './dom.js';
import { exportBase, exportEndpoint } from './api.js';

const COMMON = [
  ['CLAUDE_CODE_ENABLE_TELEMETRY', '1'],
  ['OTEL_METRICS_EXPORTER', 'otlp'],
  ['OTEL_LOGS_EXPORTER', 'otlp'],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf'],
];
const TRACES = [['CLAUDE_CODE_ENHANCED_TELEMETRY_BETA', '1'], ['OTEL_TRACES_EXPORTER', 'otlp']];

/** `export NAME=value` lines of one form: 'path' (the user id in the endpoint) or 'header'. */
export function setupLines(userId, form = 'path', traces = false) {
  const endpoint = form === 'path'
    ? [['OTEL_EXPORTER_OTLP_ENDPOINT', exportEndpoint(userId)]]
    : [['OTEL_EXPORTER_OTLP_ENDPOINT', exportBase()], ['OTEL_EXPORTER_OTLP_HEADERS', `x-user-id=${userId}`]];
  return [...COMMON, ...endpoint, ...(traces ? TRACES : [])].map(([name, value]) => `export ${name}=${shellQuoted(value)}`);
}

/** A value as one POSIX shell word (the admin tool's rule). */
function shellQuoted(value) {
  if (value !== '' && /^[A-Za-z0-9_\-./:@%+,=]+$/.test(value)) return value;
  return `'${value.split("'").join("'\\''")}'`;
}

function block(userId, form, label, traces) {
  const code = el('code', { text: setupLines(userId, form, traces.checked).join('\n') });
  const pre = el('pre', { class: 'setup', tabindex: '0', 'aria-label': label, dataset: { form } }, code);
  traces.addEventListener('change', () => { code.textContent = setupLines(userId, form, traces.checked).join('\n'); });
  const status = el('span', { class: 'copied', role: 'status' });
  const copy = el('button', { type: 'button', class: 'copy', dataset: { copy: form } }, 'Copy the lines');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(`${code.textContent}\n`);
      status.textContent = 'Copied.';
    } catch {
      // No clipboard outside secure contexts: select the text so Ctrl+C copies it.
      window.getSelection().selectAllChildren(pre);
      status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
  return [pre, el('p', {}, copy, ' ', status)];
}

/** Both forms with copy buttons and the trace opt-in. */
export function setupPanel(userId) {
  const tracesId = uniqueId('traces');
  const traces = el('input', { id: tracesId, type: 'checkbox', name: 'traces' });
  return [
    el('p', { text: 'Add these lines to the shell profile (or the environment) of whoever runs Claude Code, then start a new Claude Code session:' }),
    ...block(userId, 'path', 'Environment lines for Claude Code', traces),
    el('p', { class: 'trace-opt-in' }, traces, ' ', el('label', { for: tracesId, text: 'Also send traces (Claude Code\'s enhanced telemetry beta: request latency and tool durations)' })),
    el('details', { class: 'header-form' },
      el('summary', { text: 'Or: the user id in a header instead of the address' }),
      ...block(userId, 'header', 'Environment lines for Claude Code, header form', traces)),
    el('p', { class: 'note', text: 'The first figures appear about a minute after Claude Code starts (its metrics are exported every 60 seconds). Keep this link private: the id in it is the key to this data.' }),
  ];
}
