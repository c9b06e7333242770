/**
 * Why asking (or running SQL) failed, in words: the app's `describeError` for the message, code
 * and request id, plus what this page can say more precisely from the error's `details`: when a
 * rate limit lifts, which checks the SQL failed, that the query ran out of time.
 */
import {
  describeError,
  errorDetails,
  retryAfterSeconds,
  type ErrorDescription,
} from '../../errors';

export type AskFailureKind = 'rate-limited' | 'invalid-sql' | 'timeout' | 'not-found' | 'other';

export interface AskFailure {
  kind: AskFailureKind;
  error: ErrorDescription;
  /** The checks the SQL failed (runSql's `details.errors`); empty otherwise. */
  sqlErrors: string[];
  /** RATE_LIMITED: seconds until asking works again, when the platform said. */
  retryAfterSeconds: number | null;
  /** When the failure happened: the retry time counts from here. */
  at: Date;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];

export function describeAskFailure(cause: unknown, now: Date = new Date()): AskFailure {
  const error = describeError(cause);
  const details = errorDetails(cause) ?? {};
  const base = { error, sqlErrors: [], retryAfterSeconds: null, at: now };
  if (error.code === 'RATE_LIMITED') {
    return {
      ...base,
      kind: 'rate-limited',
      error: { ...error, title: 'Too many questions for now' },
      retryAfterSeconds: retryAfterSeconds(cause, now) ?? null,
    };
  }
  if (error.code === 'BAD_USER_INPUT' && details.reason === 'INVALID_SQL') {
    const sqlErrors = strings(details.errors);
    return {
      ...base,
      kind: 'invalid-sql',
      sqlErrors,
      error: {
        ...error,
        title: 'The SQL cannot run',
        // The platform's message repeats the list below; this says what happened to the SQL.
        message:
          sqlErrors.length > 0
            ? 'It was checked and not run. Fix what is listed here and run it again.'
            : error.message,
      },
    };
  }
  if (error.code === 'BAD_USER_INPUT' && details.reason === 'TIMEOUT') {
    return { ...base, kind: 'timeout', error: { ...error, title: 'The query took too long' } };
  }
  if (error.code === 'NOT_FOUND') {
    return {
      ...base,
      kind: 'not-found',
      error: {
        ...error,
        title: 'Data set not found',
        message:
          'There is no such data set, or it is not yours: it may have been deleted. Choose another one.',
      },
    };
  }
  return { ...base, kind: 'other' };
}

/**
 * "You can ask again in 5 minutes (at 14:05)." for a rate limit that lifts in `seconds`; a generic
 * sentence when the platform did not say when.
 */
export function retrySentence(seconds: number | null, now: Date, locale?: string): string {
  if (seconds === null) return 'Wait a little before asking again.';
  if (seconds <= 0) return 'You can ask again now.';
  const at = new Date(now.getTime() + seconds * 1000);
  const clock = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(at);
  const wait =
    seconds < 60
      ? new Intl.NumberFormat(locale, {
          style: 'unit',
          unit: 'second',
          unitDisplay: 'long',
        }).format(seconds)
      : new Intl.NumberFormat(locale, {
          style: 'unit',
          unit: 'minute',
          unitDisplay: 'long',
        }).format(Math.ceil(seconds / 60));
  return `You can ask again in ${wait} (at ${clock}).`;
}
