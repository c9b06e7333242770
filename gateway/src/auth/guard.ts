/**
 * The gateway's guard, run once an operation is parsed and validated and before it is planned or
 * any subgraph is called (Apollo's `didResolveOperation`):
 *
 * 1. Authentication: an anonymous caller may only ask for public fields (`login`); anything else
 *    is 401 UNAUTHENTICATED (Property 35). Credentials were verified earlier (authenticate.ts).
 * 2. In one Redis round trip: the caller's hourly operation counter (every root field counts),
 *    the query-operation counter (Properties 39-43), sign-in attempts per account and per client
 *    address, and whether the caller's token was revoked (sign-out, disabled user, changed role,
 *    revoked API key).
 * 3. Refusals: 401 for a revoked token, 429 with `Retry-After` over a limit.
 *
 * Redis down: query operations go through (counted in `rate_limit_degraded_total`, logged);
 * mutations and sign-in are refused with 503, because neither revocation nor limits can be checked.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, type Registry } from 'prom-client';
import {
  AppError,
  ErrorCode,
  QUERY_LIMITS,
  QUERY_OPERATIONS,
  WINDOW_SECONDS,
  isRevoked,
  rateLimited,
  revocationReads,
  signInRequired,
  type CounterRequest,
  type RateLimiter,
} from '@platform/runtime';
import type { GatewayContext } from '../context';
import { rootFields, stringArgument } from './operation';

const WHOLE_REQUEST_STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429 } as const;

/** Fields anyone may call without signing in. */
export const PUBLIC_FIELDS: ReadonlySet<string> = new Set(['login']);

export interface GuardLimits {
  /** Every operation of a user, per hour. */
  operationsPerHour: number;
  /** Sign-in attempts per account, and per client address, per `loginWindowSeconds`. */
  loginPerAccount: number;
  loginPerAddress: number;
  loginWindowSeconds: number;
}

const sessionEnded = () =>
  new AppError(ErrorCode.UNAUTHENTICATED, 'Your session has ended. Sign in again.', {
    httpStatus: 401,
  });

/** Counter subjects must be short and plain: hash what the caller chose (an email). */
const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

export function guardPlugin(deps: {
  limiter: RateLimiter;
  limits: GuardLimits;
  registry: Registry;
}): ApolloServerPlugin<GatewayContext> {
  const refused = new Counter({
    name: 'gateway_requests_refused_total',
    help: 'Operations the guard refused, by reason.',
    labelNames: ['reason'],
    registers: [deps.registry],
  });
  const refuse = (reason: string, error: AppError): never => {
    refused.inc({ reason });
    throw error;
  };

  return {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          const context = ctx.contextValue;
          // Entity look-ups for subscription events: the subscription itself was checked.
          if (context.internal || !ctx.operation) return;
          const fields = rootFields(ctx.operation, ctx.document);
          const auth = context.auth;
          // `{ __typename }` alone (a liveness probe) reveals nothing and needs no sign-in.
          if (!auth && fields.some((f) => !PUBLIC_FIELDS.has(f.name.value))) {
            refuse('unauthenticated', signInRequired());
          }

          const counters: CounterRequest[] = [];
          const logins = fields.filter((f) => f.name.value === 'login');
          for (const login of logins) {
            const email = stringArgument(login, 'email', ctx.request.variables)
              ?.trim()
              .toLowerCase();
            counters.push({
              kind: 'login_account',
              subject: digest(email ?? ''),
              limit: deps.limits.loginPerAccount,
              windowSeconds: deps.limits.loginWindowSeconds,
            });
          }
          if (logins.length > 0) {
            counters.push({
              kind: 'login_address',
              subject: context.clientAddress.replace(/[^A-Za-z0-9:._-]/g, '_') || 'unknown',
              limit: deps.limits.loginPerAddress,
              cost: logins.length,
              windowSeconds: deps.limits.loginWindowSeconds,
            });
          }
          const queries = fields.filter((f) => QUERY_OPERATIONS.has(f.name.value)).length;
          if (auth) {
            const userId = auth.principal.userId;
            counters.push({
              kind: 'operations',
              subject: userId,
              limit: deps.limits.operationsPerHour,
              cost: Math.max(1, fields.length),
              windowSeconds: WINDOW_SECONDS,
            });
            if (queries > 0) {
              counters.push({
                kind: 'query',
                subject: userId,
                limit: QUERY_LIMITS[auth.principal.tier],
                cost: queries,
                windowSeconds: WINDOW_SECONDS,
              });
            }
          }
          const reads = auth ? revocationReads(auth.principal) : [];
          const failClosed = logins.length > 0 || ctx.operation.operation !== 'query';
          const { decisions, values } = await deps.limiter.check(counters, reads, { failClosed });

          if (auth && isRevoked(auth.principal, values)) refuse('revoked', sessionEnded());
          decisions.forEach((decision, i) => {
            if (decision.allowed) return;
            const kind = counters[i]!.kind;
            const what = kind.startsWith('login')
              ? `sign-in attempts in ${Math.round(deps.limits.loginWindowSeconds / 60)} minutes`
              : kind === 'query'
                ? 'queries an hour'
                : 'requests an hour';
            refuse(kind, rateLimited(decision, what));
          });
        },

        async willSendResponse(ctx) {
          const errors = ctx.errors ?? [];
          // A 429 carries Retry-After: the seconds until the counter that refused resets.
          const limited = errors.find((e) => e.extensions?.code === ErrorCode.RATE_LIMITED);
          const seconds = (
            limited?.extensions?.details as { retryAfterSeconds?: number } | undefined
          )?.retryAfterSeconds;
          if (typeof seconds === 'number')
            ctx.response.http.headers.set('retry-after', String(seconds));
          // An operation that produced no data only because a subgraph refused the caller (wrong
          // role, session ended, a field's limit) answers with that refusal's HTTP status.
          const body = ctx.response.body;
          const code = errors[0]?.extensions?.code;
          if (
            body.kind === 'single' &&
            body.singleResult.data === null &&
            typeof code === 'string' &&
            code in WHOLE_REQUEST_STATUS &&
            errors.every((e) => e.extensions?.code === code)
          ) {
            ctx.response.http.status =
              WHOLE_REQUEST_STATUS[code as keyof typeof WHOLE_REQUEST_STATUS];
          }
        },
      };
    },
  };
}
