// Numbers for people: "1.2 M" tokens, "$3.45", "2 h 05 min", "5 min ago". Fixed to en-US so
// a shared screenshot or link reads the same everywhere.

const LOCALE = 'en-US';
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const dollars = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const exactDollars = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });

const SCALES = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];

/** 950, 12.3 k, 1.2 M, 4 B: one decimal at most, ".0" dropped. */
export function compact(value) {
  const n = Number(value) || 0;
  for (const [size, unit] of SCALES) {
    if (Math.abs(n) >= size * 0.9995) {
      const scaled = Math.round((n / size) * 10) / 10;
      return `${scaled.toFixed(scaled >= 100 || Number.isInteger(scaled) ? 0 : 1)} ${unit}`;
    }
  }
  return integer.format(n);
}

/** 1,234,567: the exact figure, for titles and tables. */
export function count(value) {
  return integer.format(Number(value) || 0);
}

/** $3.45; amounts under a cent (but not zero) read "< $0.01". */
export function usd(value) {
  const n = Number(value) || 0;
  if (n > 0 && n < 0.005) return '< $0.01';
  return dollars.format(n);
}

/** $0.053700: up to six decimals, for titles. */
export function usdExact(value) {
  return exactDollars.format(Number(value) || 0);
}

/** 2 h 05 min, 45 min, < 1 min, 0 min. */
export function duration(minutes) {
  const n = Number(minutes) || 0;
  if (n > 0 && n < 0.5) return '< 1 min';
  const total = Math.round(n);
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  if (hours === 0) return `${rest} min`;
  return `${integer.format(hours)} h ${String(rest).padStart(2, '0')} min`;
}

/** 80%, or an em dash when there is nothing to divide. */
export function percent(part, whole) {
  const p = Number(part) || 0;
  const w = Number(whole) || 0;
  if (w <= 0) return '—';
  const ratio = (p / w) * 100;
  return `${ratio >= 10 || Number.isInteger(ratio) ? Math.round(ratio) : ratio.toFixed(1)}%`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago" (future times read "just now"). */
export function relativeTime(iso, now = Date.now()) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'unknown';
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${integer.format(days)} days ago`;
}

/** 2026-12-04 05:13 UTC: the absolute time beside a relative one. */
export function utcTimestamp(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "Dec 4" for a YYYY-MM-DD day key (a calendar date, read without any zone shift). */
export function shortDay(day) {
  const date = new Date(`${day}T00:00:00Z`);
  return date.toLocaleDateString(LOCALE, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
