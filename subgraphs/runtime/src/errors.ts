/**
 * The one error type of the platform and its codes (ARCHITECTURE.md, "Errors"). Every GraphQL
 * error that reaches a client carries `extensions: { code, details?, requestId, timestamp }`; no
 * stack trace, internal query text or host ever does. Logs get everything, with the request id.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** HTTP status that goes with each code when an error ends a whole request. */
export const httpStatusOf: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  UPSTREAM_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Graphql-js / Apollo codes for malformed operations, mapped onto ours. */
// A Map, not an object literal: a client-influenced code such as "valueOf" must not find
// Object.prototype's members.
const APOLLO_CODE_MAP = new Map<string, ErrorCode>([
  ['GRAPHQL_PARSE_FAILED', ErrorCode.BAD_USER_INPUT],
  ['GRAPHQL_VALIDATION_FAILED', ErrorCode.BAD_USER_INPUT],
  ['BAD_REQUEST', ErrorCode.BAD_USER_INPUT],
  ['BAD_USER_INPUT', ErrorCode.BAD_USER_INPUT],
  ['OPERATION_RESOLUTION_FAILURE', ErrorCode.BAD_USER_INPUT],
  ['PERSISTED_QUERY_NOT_FOUND', ErrorCode.BAD_USER_INPUT],
  ['PERSISTED_QUERY_NOT_SUPPORTED', ErrorCode.BAD_USER_INPUT],
]);

export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(
    code: ErrorCode,
    message: string,
    options: {
      details?: Record<string, unknown>;
      cause?: unknown;
      /** For errors that end the whole request (not one field): the HTTP status to answer with. */
      httpStatus?: number;
    } = {},
  ) {
    super(message, {
      extensions: {
        code,
        ...(options.details ? { details: options.details } : {}),
        ...(options.httpStatus ? { http: { status: options.httpStatus } } : {}),
      },
      originalError: options.cause instanceof Error ? options.cause : undefined,
    });
    this.code = code;
    this.name = 'AppError';
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, details ? { details } : {});
export const notFound = (what: string, id: string) =>
  new AppError(ErrorCode.NOT_FOUND, `${what} ${id} was not found.`, { details: { id } });

/**
 * Shapes an error for a client: our codes pass through with their message; graphql-js parse and
 * validation errors keep their message (they describe the client's own document); anything else
 * becomes INTERNAL with a generic message. Never a stack trace.
 */
export function toClientError(
  formatted: GraphQLFormattedError,
  requestId: string | undefined,
  now: Date = new Date(),
): GraphQLFormattedError {
  const ext = formatted.extensions ?? {};
  const rawCode = typeof ext.code === 'string' ? ext.code : undefined;
  let code: ErrorCode;
  let message = formatted.message;
  if (rawCode && KNOWN_CODES.has(rawCode)) {
    code = rawCode as ErrorCode;
  } else if (rawCode && APOLLO_CODE_MAP.has(rawCode)) {
    code = APOLLO_CODE_MAP.get(rawCode)!;
  } else {
    code = ErrorCode.INTERNAL;
    message =
      'Something went wrong on our side. It has been logged; try again, or quote the request id.';
  }
  const details =
    code !== ErrorCode.INTERNAL && ext.details && typeof ext.details === 'object'
      ? { details: ext.details }
      : {};
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code,
      ...details,
      requestId: requestId ?? 'unknown',
      timestamp: now.toISOString(),
    },
  };
}
