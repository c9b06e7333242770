/**
 * The HTTP shell every service shares: request id on every request, a bounded JSON body parser
 * whose failures answer in the GraphQL error format, `/healthz`, `/readyz` and `/metrics`.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { checkReadiness, type HealthChecks } from './health';
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestId } from './request-context';
import { AppError, ErrorCode, httpStatusOf } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
  }
}

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  checks: HealthChecks;
  /** Largest accepted request body; larger ones get 413. */
  bodyLimit?: string;
}

export function createHttpApp({
  logger,
  metrics,
  checks,
  bodyLimit = '1mb',
}: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    req.requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, req.requestId);
    runWithRequestId(req.requestId, next);
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(checks);
    res.status(readiness.ready ? 200 : 503).json({
      status: readiness.ready ? 'ready' : 'not ready',
      checks: readiness.checks,
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use(
    '/graphql',
    express.json({
      limit: bodyLimit,
      type: ['application/json', 'application/graphql-response+json'],
    }),
    (req, _res, next) => {
      // Apollo answers 400 for a POST without a JSON body; it needs `req.body` to be set to do so.
      if (req.body === undefined) req.body = {};
      next();
    },
  );

  // Body-parser failures (malformed JSON, too large) in the GraphQL error format.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (!status || status >= 500) return next(error);
    const tooLarge = status === 413;
    logger.info({ requestId: req.requestId, status }, 'rejected request body');
    res.status(status).json({
      errors: [
        {
          message: tooLarge
            ? `The request body is larger than the ${bodyLimit} limit.`
            : 'The request body is not valid JSON.',
          extensions: {
            code: ErrorCode.BAD_USER_INPUT,
            requestId: req.requestId,
            timestamp: new Date().toISOString(),
          },
        },
      ],
    });
  });
  return app;
}

/**
 * Answers a whole HTTP request with one of our errors, in the GraphQL error format: the code's HTTP
 * status (or the error's own), `Retry-After` for RATE_LIMITED. Anything that is not an AppError is
 * passed to `next` (the internal error handler logs it and answers 500 without detail).
 */
export function sendError(req: Request, res: Response, error: AppError): void {
  const status =
    (error.extensions.http as { status?: number } | undefined)?.status ?? httpStatusOf[error.code];
  const retryAfter = (error.extensions.details as { retryAfterSeconds?: unknown } | undefined)
    ?.retryAfterSeconds;
  if (error.code === ErrorCode.RATE_LIMITED && typeof retryAfter === 'number') {
    res.setHeader('retry-after', String(retryAfter));
  }
  const details = error.extensions.details;
  res.status(status).json({
    errors: [
      {
        message: error.message,
        extensions: {
          code: error.code,
          ...(details ? { details } : {}),
          requestId: req.requestId,
          timestamp: new Date().toISOString(),
        },
      },
    ],
  });
}

/** Final handler: an unexpected error is logged in full and answered without detail. */
export function internalErrorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err: error, requestId: req.requestId }, 'unhandled HTTP error');
    res.status(500).json({
      errors: [
        {
          message: 'Something went wrong on our side. It has been logged; quote the request id.',
          extensions: {
            code: ErrorCode.INTERNAL,
            requestId: req.requestId,
            timestamp: new Date().toISOString(),
          },
        },
      ],
    });
  };
}
