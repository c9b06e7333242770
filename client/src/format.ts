/** Display formatting for numbers, sizes and times, in the reader's locale. */

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

/** 1536000 -> "1.5 MB" (SI units, as file managers and S3 consoles show them). */
export function formatBytes(bytes: number, locale?: string): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: BYTE_UNITS[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  }).format(value);
}

/** 1234567 -> "1,234,567"; unknown counts (not yet processed) -> null. */
export function formatCount(count: number | null | undefined, locale?: string): string | null {
  return count == null ? null : new Intl.NumberFormat(locale).format(count);
}

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A number of a query result: 3.14159265 -> "3.1416", 1234567 -> "1,234,567". Groups start at five
 * digits, so a year stays "2015". Integers too large for a double arrive as text ("123…901") and
 * are formatted exactly; text that is not a number comes back unchanged.
 */
export function formatNumber(value: number | string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { useGrouping: 'min2', maximumFractionDigits: 4 });
  if (typeof value === 'number')
    return Number.isFinite(value) ? format.format(value) : String(value);
  const text = value.trim();
  return NUMERIC_TEXT.test(text) ? format.format(text as `${number}`) : value;
}

/** How long something took: 12 -> "12 ms", 1234 -> "1.2 sec" (the locale's short units). */
export function formatDuration(ms: number, locale?: string): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1000
    ? new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: 'millisecond',
        unitDisplay: 'short',
        maximumFractionDigits: 0,
      }).format(ms)
    : new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: 'second',
        unitDisplay: 'short',
        maximumFractionDigits: 1,
      }).format(ms / 1000);
}

const RELATIVE_STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.345],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "yesterday", "2 months ago" relative to `now`. */
export function formatRelativeTime(iso: string, now: Date = new Date(), locale?: string): string {
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return '—';
  let delta = (then.getTime() - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(delta) < size) return format.format(Math.round(delta), unit);
    delta /= size;
  }
  return format.format(Math.round(delta), 'year');
}

/** Full date and time for a tooltip: "24 Nov 2026, 10:15". */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? '—'
    : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
