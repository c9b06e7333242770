/**
 * The audit trail's filter form -> `AuditFilter`. Dates are whole days in the reader's time zone:
 * "from" is the start of that day, "to" includes its day (the platform's `to` is exclusive, so it
 * gets the start of the next day).
 */
import type { AuditFilter } from '../../schema-types';

/** What the form holds: strings as typed; dates as `<input type="date">` gives them. */
export interface AuditFilterForm {
  action: string;
  actorId: string;
  targetId: string;
  /** `YYYY-MM-DD` or empty. */
  from: string;
  /** `YYYY-MM-DD` or empty. */
  to: string;
}

export type AuditFilterResult =
  { ok: true; filter: AuditFilter | null } | { ok: false; message: string };

/** Local midnight at the start of `YYYY-MM-DD` plus `days`; null for anything else. */
function localDay(value: string, days = 0): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day + days);
  // new Date(2026, 1, 31) quietly becomes 3 March: a day that does not exist is not a date.
  const check = new Date(year, month - 1, day);
  return check.getFullYear() === year && check.getMonth() === month - 1 && check.getDate() === day
    ? date
    : null;
}

/** The filter to send (null when every field is empty), or why the form cannot be used. */
export function toAuditFilter(form: AuditFilterForm): AuditFilterResult {
  const filter: AuditFilter = {};
  const action = form.action.trim();
  const actorId = form.actorId.trim();
  const targetId = form.targetId.trim();
  if (action) filter.action = action;
  if (actorId) filter.actorId = actorId;
  if (targetId) filter.targetId = targetId;

  const fromText = form.from.trim();
  const toText = form.to.trim();
  const from = fromText ? localDay(fromText) : null;
  const to = toText ? localDay(toText, 1) : null;
  if (fromText && !from) return { ok: false, message: 'The “from” date is not a date.' };
  if (toText && !to) return { ok: false, message: 'The “to” date is not a date.' };
  if (from && to && from >= to) {
    return { ok: false, message: 'The “from” date is after the “to” date.' };
  }
  if (from) filter.from = from.toISOString();
  if (to) filter.to = to.toISOString();

  return { ok: true, filter: Object.keys(filter).length > 0 ? filter : null };
}
