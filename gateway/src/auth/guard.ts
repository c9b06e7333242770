/**
 * The gateway's guard, run once an operation is parsed and validated and before it is planned or
 * any subgraph is called (Apollo's `didResolveOperation`):
 *
 * 1. Authentication: an anonymous caller may only ask for public fields (`login`); anything else
 *    is 401 UNAUTHENTICATED (Property 35). Credentials were verified earlier (authenticate.ts).
 * 2. In Redis, whether the caller's token was revoked (sign-out, disabled user, changed role,
 *    revoked API key) and the counters: the caller's hourly operations (every root field counts),
 *    query operations (Properties 39-43), sign-in attempts per account and per client address.
 *    A signed-in caller's round trip is sent when the request starts (Apollo's `requestDidStart`)
 *    and only awaited here, so it overlaps parsing and validation; it counts one operation and
 *    reads the revocation keys. A second round trip is needed only for what that one could not
 *    know: further root fields, query operations and sign-in attempts.
 * 3. Refusals: 401 for a revoked token, 429 with `Retry-After` over a limit.
 *
 * Redis down: query operations go through (counted in `rate_limit_degraded_total`, logged);
 * mutations and sign-in are refused with 503, because neither revocation nor limits can be checked.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FieldNode } from 'graphql';
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

/** Sign-in attempts: one per `login` field on its account, and all of them on the address. */
function loginCounters(
  fields: FieldNode[],
  variables: Record<string, unknown> | undefined,
  context: GatewayContext,
  limits: GuardLimits,
): CounterRequest[] {
  const logins = fields.filter((f) => f.name.value === 'login');
  if (logins.length === 0) return [];
  return [
    ...logins.map((login) => ({
      kind: 'login_account',
      subject: digest(stringArgument(login, 'email', variables)?.trim().toLowerCase() ?? ''),
      limit: limits.loginPerAccount,
      windowSeconds: limits.loginWindowSeconds,
    })),
    {
      kind: 'login_address',
      subject: context.clientAddress.replace(/[^A-Za-z0-9:._-]/g, '_') || 'unknown',
      limit: limits.loginPerAddress,
      cost: logins.length,
      windowSeconds: limits.loginWindowSeconds,
    },
  ];
}

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

  const operationsCounter = (userId: string, cost: number): CounterRequest => ({
    kind: 'operations',
    subject: userId,
    limit: deps.limits.operationsPerHour,
    cost,
    windowSeconds: WINDOW_SECONDS,
  });

  return {
    async requestDidStart({ contextValue: context }) {
      // A signed-in caller's round trip starts now, before Apollo parses and validates the
      // operation, so it overlaps that work: one operation counted, and the revocation reads.
      // (An operation that then fails to parse or validate has still been counted.)
      const early =
        context.auth && !context.internal
          ? deps.limiter.send(
              [operationsCounter(context.auth.principal.userId, 1)],
              revocationReads(context.auth.principal),
            )
          : undefined;
      // Settled in didResolveOperation, or never if the request fails before it.
      early?.catch(() => undefined);

      return {
        async didResolveOperation(ctx) {
          // Entity look-ups for subscription events: the subscription itself was checked.
          if (context.internal || !ctx.operation) return;
          const fields = rootFields(ctx.operation, ctx.document);
          const auth = context.auth;
          // `{ __typename }` alone (a liveness probe) reveals nothing and needs no sign-in.
          if (!auth && fields.some((f) => !PUBLIC_FIELDS.has(f.name.value))) {
            refuse('unauthenticated', signInRequired());
          }
          const failClosed =
            fields.some((f) => f.name.value === 'login') || ctx.operation.operation !== 'query';

          // What the early round trip did not count: further root fields (each counts), query
          // operations, sign-in attempts.
          const counters: CounterRequest[] = [];
          if (auth && fields.length > 1) {
            counters.push(operationsCounter(auth.principal.userId, fields.length - 1));
          }
          const queries = fields.filter((f) => QUERY_OPERATIONS.has(f.name.value)).length;
          if (auth && queries > 0) {
            counters.push({
              kind: 'query',
              subject: auth.principal.userId,
              limit: QUERY_LIMITS[auth.principal.tier],
              cost: queries,
              windowSeconds: WINDOW_SECONDS,
            });
          }
          counters.push(...loginCounters(fields, ctx.request.variables, context, deps.limits));

          const first = early
            ? deps.limiter.settle(await early, { failClosed })
            : { decisions: [], values: [] };
          if (auth && isRevoked(auth.principal, first.values)) refuse('revoked', sessionEnded());
          const second =
            counters.length > 0
              ? (await deps.limiter.check(counters, [], { failClosed })).decisions
              : [];
          // The operations counter's latest count decides: the second round trip's if it added.
          const decided = [
            ...(counters[0]?.kind === 'operations'
              ? []
              : first.decisions.map((d) => ({ kind: 'operations', d }))),
            ...second.map((d, i) => ({ kind: counters[i]!.kind, d })),
          ];
          for (const { kind, d } of decided) {
            if (d.allowed) continue;
            const what = kind.startsWith('login')
              ? `sign-in attempts in ${Math.round(deps.limits.loginWindowSeconds / 60)} minutes`
              : kind === 'query'
                ? 'queries an hour'
                : 'requests an hour';
            refuse(kind, rateLimited(d, what));
          }
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
