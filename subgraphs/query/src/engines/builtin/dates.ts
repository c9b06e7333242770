/** Date ranges named in questions, as half-open ISO date intervals [from, to). */
import type { Bucket } from './vocabulary';

const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

/** A calendar month (1-12) of a year. */
export function dateRange(year: number, month: number): { from: string; to: string } {
  return { from: iso(utc(year, month - 1, 1)), to: iso(utc(year, month, 1)) };
}

/** The start of the period of `unit` holding `now` (weeks start on Monday, in UTC). */
function periodStart(unit: Bucket, now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  switch (unit) {
    case 'year':
      return utc(y, 0, 1);
    case 'quarter':
      return utc(y, m - (m % 3), 1);
    case 'month':
      return utc(y, m, 1);
    case 'week':
      return utc(y, m, now.getUTCDate() - ((now.getUTCDay() + 6) % 7));
    case 'day':
      return utc(y, m, now.getUTCDate());
  }
}

function shift(date: Date, unit: Bucket, count: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  switch (unit) {
    case 'year':
      return utc(y + count, m, d);
    case 'quarter':
      return utc(y, m + 3 * count, d);
    case 'month':
      return utc(y, m + count, d);
    case 'week':
      return utc(y, m, d + 7 * count);
    case 'day':
      return utc(y, m, d + count);
  }
}

/**
 * "this month": the current calendar month; "last month": the one before; "past 30 days": the
 * 30 days up to and including today.
 */
export function relativeRange(
  unit: Bucket,
  offset: 'last' | 'this' | 'past',
  count: number,
  now: Date,
): { from: string; to: string } {
  const start = periodStart(unit, now);
  if (offset === 'this') return { from: iso(start), to: iso(shift(start, unit, 1)) };
  if (offset === 'last') return { from: iso(shift(start, unit, -1)), to: iso(start) };
  const tomorrow = shift(periodStart('day', now), 'day', 1);
  return { from: iso(shift(tomorrow, unit, -count)), to: iso(tomorrow) };
}
