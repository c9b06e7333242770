/**
 * Per-user hourly limits counted in Redis (design: Rate Limiting Service). Each (kind, user) has
 * one counter; the first request of a window creates it with a one-hour TTL, and every request
 * adds its cost in the same MULTI, so the count and its expiry are always set together. Over the
 * limit the caller answers 429 with `Retry-After` = the seconds until the counter expires.
 *
 * Redis down: `failOpen` limits (ordinary requests) let the request through, counted in the
 * `rate_limit_degraded_total` metric and logged; `failClosed` limits (sign-in) refuse with
 * UPSTREAM_UNAVAILABLE, because an attacker must not gain unlimited guesses by an outage.
 */
import { Counter, type Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import { AppError, ErrorCode } from './errors';
import type { Logger } from './logger';
import type { Tier } from './auth/tokens';

export const WINDOW_SECONDS = 60 * 60;

/** Query operations (natural language and SQL): 100 an hour on the free tier, 1000 on premium. */
export const QUERY_LIMITS: Record<Tier, number> = { free: 100, premium: 1000 };

export interface RateDecision {
  allowed: boolean;
  /** The count after this request. */
  count: number;
  limit: number;
  /** Seconds until the window resets (the counter expires); 0 when unknown. */
  retryAfterSeconds: number;
  /** True when Redis could not be asked and a fail-open limit let the request through. */
  degraded: boolean;
}

export interface RateLimiterOptions {
  redis: Redis;
  logger: Logger;
  registry?: Registry;
  windowSeconds?: number;
  prefix?: string;
}

export function createRateLimiter(options: RateLimiterOptions) {
  const window = options.windowSeconds ?? WINDOW_SECONDS;
  const prefix = options.prefix ?? 'rl';
  const log = options.logger.child({ source: 'rate-limit' });
  const degraded = new Counter({
    name: 'rate_limit_degraded_total',
    help: 'Requests let through (or refused, for fail-closed limits) because Redis was unreachable.',
    labelNames: ['kind', 'outcome'],
    registers: options.registry ? [options.registry] : [],
  });

  /** The counter's key: kind and subject are validated so no caller can address another key. */
  const keyOf = (kind: string, subject: string) => {
    if (!/^[a-z_]{1,32}$/.test(kind) || !/^[A-Za-z0-9:._-]{1,128}$/.test(subject)) {
      throw new Error(`invalid rate-limit key ${kind}/${subject.slice(0, 40)}`);
    }
    return `${prefix}:${kind}:${subject}`;
  };

  return {
    keyOf,
    async consume(
      kind: string,
      subject: string,
      limit: number,
      { cost = 1, failClosed = false }: { cost?: number; failClosed?: boolean } = {},
    ): Promise<RateDecision> {
      const key = keyOf(kind, subject);
      let count: number;
      let ttlMs: number;
      try {
        const results = await options.redis
          .multi()
          .incrby(key, cost)
          .expire(key, window, 'NX')
          .pttl(key)
          .exec();
        if (!results || results.some(([error]) => error)) throw new Error('MULTI failed');
        count = Number(results[0]![1]);
        ttlMs = Number(results[2]![1]);
      } catch (error) {
        degraded.inc({ kind, outcome: failClosed ? 'refused' : 'allowed' });
        log.warn({ err: error, kind, failClosed }, 'Redis unreachable for rate limiting');
        if (failClosed) {
          throw new AppError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            'Signing in is unavailable for a moment. Try again shortly.',
            { httpStatus: 503 },
          );
        }
        return { allowed: true, count: 0, limit, retryAfterSeconds: 0, degraded: true };
      }
      const retryAfterSeconds = ttlMs > 0 ? Math.ceil(ttlMs / 1000) : window;
      return { allowed: count <= limit, count, limit, retryAfterSeconds, degraded: false };
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** The error for a request over its limit: HTTP 429, code RATE_LIMITED, retry time in details. */
export function rateLimited(decision: RateDecision): AppError {
  return new AppError(
    ErrorCode.RATE_LIMITED,
    `You have reached your limit of ${decision.limit} an hour. Try again in ${formatWait(decision.retryAfterSeconds)}.`,
    {
      details: { limit: decision.limit, retryAfterSeconds: decision.retryAfterSeconds },
      httpStatus: 429,
    },
  );
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
