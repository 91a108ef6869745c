// The JSON read API beside this page (…/claude/dashboard/ → …/claude/users/ID/summary), so the
// page works under any host or prefix the location snippet is mounted at.

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the canonical 8-4-4-4-12 hexadecimal form the receiver issues. */
export function isUserId(text) {
  return typeof text === 'string' && USER_ID.test(text);
}

/** An answer other than 2xx (status 0: the server could not be reached). */
export class ApiError extends Error {
  constructor(status, message) {
    super(message || `HTTP ${status}`);
    this.status = status;
  }
}

/** True for a YYYY-MM-DD string. */
export function isDay(text) {
  return typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** The query of a view's span: from/to (a custom range, or the last `range` days) and the
 *  period when it is not days. */
export function spanQuery(span) {
  // Preset ranges end "today" as the server counts it (its --timezone), not as this browser does.
  const range = span.from ? { from: span.from, to: span.to } : { days: String(span.range) };
  return span.period && span.period !== 'day' ? { ...range, period: span.period } : range;
}

/** Every YYYY-MM-DD from `from` to `to`, inclusive. */
export function daysBetween(from, to) {
  const out = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86400000) out.push(isoDay(new Date(t)));
  return out;
}

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

/** The receiver's base URL (header form: the user id goes in x-user-id). */
export function exportBase() {
  return new URL('..', document.baseURI).href.replace(/\/$/, '');
}

/** Where this user's Claude Code exports to: the per-user base URL (user-in-path form). */
export function exportEndpoint(userId) {
  return new URL(`../users/${encodeURIComponent(userId)}`, document.baseURI).href;
}

async function get(path, params, headers, accept) {
  const url = new URL(path, document.baseURI);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  let response;
  try {
    response = await fetch(url, { headers: { Accept: accept, ...headers }, cache: 'no-cache' });
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check the connection and reload the page.');
  }
  if (!response.ok) {
    let message = '';
    try {
      const body = await response.json();
      if (body && typeof body.message === 'string') message = body.message;
    } catch {
      // Not JSON (e.g. a proxy's error page): the status alone is reported.
    }
    throw new ApiError(response.status, message);
  }
  return response;
}

async function getJSON(path, params, headers = {}) {
  return (await get(path, params, headers, 'application/json')).json();
}

/** GET …/users/ID/summary?from=&to= */
export function userSummary(userId, range) {
  return getJSON(`../users/${encodeURIComponent(userId)}/summary`, range);
}

/** GET …/team/summary.csv?from=&to=[&period=] (one row per user, or per user and bucket) with
 *  the admin read token, as a Blob. */
export async function teamCsv(token, query) {
  return (await get('../team/summary.csv', query, { Authorization: `Bearer ${token}` }, 'text/csv')).blob();
}

/** GET …/team/summary?from=&to=[&period=][&group=] with the admin read token. */
export function teamSummary(token, range) {
  return getJSON('../team/summary', range, { Authorization: `Bearer ${token}` });
}
