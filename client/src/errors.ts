/**
 * Turns anything thrown or returned as an error into what a person can read: a title, a message,
 * and, when the platform sent them, the error code and request id to quote to support. Never a
 * stack trace; messages of unexpected client-side exceptions are not shown either.
 */
import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';
import { isRouteErrorResponse } from 'react-router';

export interface ErrorDescription {
  title: string;
  message: string;
  /** The platform's `extensions.code`: BAD_USER_INPUT, UNAUTHENTICATED, RATE_LIMITED, ... */
  code?: string;
  /** The platform's `extensions.requestId` (or the x-request-id response header). */
  requestId?: string;
}

interface FormattedError {
  message?: unknown;
  extensions?: { code?: unknown; requestId?: unknown; details?: unknown } | null;
}

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

function fromGraphQLError(error: FormattedError | undefined, fallbackTitle: string) {
  return {
    title: fallbackTitle,
    message: asString(error?.message) ?? 'The request failed.',
    code: asString(error?.extensions?.code),
    requestId: asString(error?.extensions?.requestId),
  };
}

const TITLE_BY_CODE: Record<string, string> = {
  UNAUTHENTICATED: 'Please sign in',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  RATE_LIMITED: 'Too many requests',
  UPSTREAM_UNAVAILABLE: 'A service is unavailable',
  BAD_USER_INPUT: 'The request was not valid',
  INTERNAL: 'Something went wrong on our side',
};

function withTitle(description: ErrorDescription): ErrorDescription {
  const title = description.code ? TITLE_BY_CODE[description.code] : undefined;
  return title ? { ...description, title } : description;
}

/** First GraphQL error in a non-2xx body the server sent as plain JSON, if there is one. */
function parseBody(bodyText: string): FormattedError | undefined {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (body && typeof body === 'object' && 'errors' in body && Array.isArray(body.errors)) {
      const first: unknown = body.errors[0];
      return first && typeof first === 'object' ? (first as FormattedError) : undefined;
    }
  } catch {
    // not JSON: a proxy's HTML error page, for instance
  }
  return undefined;
}

function statusMessage(status: number, retryAfter: string | null): ErrorDescription {
  if (status === 401)
    return {
      title: 'Please sign in',
      message: 'Your session is missing or has expired.',
      code: 'UNAUTHENTICATED',
    };
  if (status === 403)
    return { title: 'Not allowed', message: 'Your role does not allow this.', code: 'FORBIDDEN' };
  if (status === 429) {
    const wait = retryAfter && /^\d+$/.test(retryAfter) ? ` Try again in ${retryAfter} s.` : '';
    return {
      title: 'Too many requests',
      message: `You have reached your hourly limit.${wait}`,
      code: 'RATE_LIMITED',
    };
  }
  if (status === 502 || status === 503 || status === 504) {
    return {
      title: 'The platform is not reachable',
      message: `The API did not answer (HTTP ${status}). Try again in a moment.`,
      code: 'UPSTREAM_UNAVAILABLE',
    };
  }
  return { title: 'The request failed', message: `The server answered with HTTP ${status}.` };
}

/**
 * A non-2xx HTTP answer: the platform's own error (message, code, request id) when the body is one,
 * otherwise a sentence for the status. Used for GraphQL over HTTP and for `/auth/session`.
 */
export function describeResponse(
  status: number,
  headers: Headers,
  bodyText: string,
): ErrorDescription {
  const headerId = asString(headers.get('x-request-id'));
  const graphQLError = parseBody(bodyText);
  const base = graphQLError
    ? withTitle(fromGraphQLError(graphQLError, 'The request failed'))
    : statusMessage(status, headers.get('retry-after'));
  return { ...base, requestId: base.requestId ?? headerId };
}

/** Whether the platform answered with this `extensions.code` (or the HTTP status that goes with it). */
function hasCode(error: unknown, code: string, status: number): boolean {
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.some((graphQLError) => graphQLError.extensions?.code === code);
  }
  if (ServerError.is(error)) {
    return error.statusCode === status || parseBody(error.bodyText)?.extensions?.code === code;
  }
  return false;
}

/** The session is missing, expired or revoked: only signing in again helps. */
export function isUnauthenticated(error: unknown): boolean {
  return hasCode(error, 'UNAUTHENTICATED', 401);
}

/** Signed in, but the role does not allow this. */
export function isForbidden(error: unknown): boolean {
  return hasCode(error, 'FORBIDDEN', 403);
}

/** The first error the platform sent: from a GraphQL answer, or from the body of a non-2xx one. */
function platformError(error: unknown): FormattedError | undefined {
  if (CombinedGraphQLErrors.is(error)) return error.errors[0];
  if (ServerError.is(error)) return parseBody(error.bodyText);
  return undefined;
}

/**
 * The platform's `extensions.details` of an error, when it sent some: `{ retryAfterSeconds }` of
 * RATE_LIMITED, `{ reason, errors }` of SQL that cannot run, `{ reason: 'TIMEOUT' }`, ...
 */
export function errorDetails(error: unknown): Record<string, unknown> | undefined {
  const details = platformError(error)?.extensions?.details;
  return details && typeof details === 'object' && !Array.isArray(details)
    ? (details as Record<string, unknown>)
    : undefined;
}

/**
 * Seconds until a RATE_LIMITED refusal lifts: the error's `details.retryAfterSeconds`, else the
 * gateway's `Retry-After` header (seconds, or an HTTP date). Undefined when neither says.
 */
export function retryAfterSeconds(error: unknown, now: Date = new Date()): number | undefined {
  const fromDetails = errorDetails(error)?.retryAfterSeconds;
  if (typeof fromDetails === 'number' && Number.isFinite(fromDetails) && fromDetails >= 0) {
    return Math.ceil(fromDetails);
  }
  if (!ServerError.is(error)) return undefined;
  const header = error.response.headers.get('retry-after')?.trim();
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export function describeError(error: unknown): ErrorDescription {
  if (CombinedGraphQLErrors.is(error)) {
    return withTitle(fromGraphQLError(error.errors[0], 'The request failed'));
  }
  if (ServerError.is(error)) {
    return describeResponse(error.statusCode, error.response.headers, error.bodyText);
  }
  if (ServerParseError.is(error)) {
    return {
      title: 'Unexpected response',
      message: `The server sent a response that could not be read (HTTP ${error.statusCode}).`,
      requestId: asString(error.response.headers.get('x-request-id')),
    };
  }
  if (isRouteErrorResponse(error)) {
    return error.status === 404
      ? { title: 'Page not found', message: 'There is nothing at this address.', code: 'NOT_FOUND' }
      : {
          title: 'The page could not be loaded',
          message: `${error.status} ${error.statusText}`.trim(),
        };
  }
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return {
      title: 'No connection',
      message: 'The platform could not be reached. Check your connection and try again.',
    };
  }
  return {
    title: 'Something went wrong',
    message: 'This page ran into an unexpected problem. Reload the page to try again.',
  };
}
