/**
 * Per-user hourly limits counted in Redis (design: Rate Limiting Service). Each (kind, user) has
 * one counter; the first request of a window creates it with a one-hour TTL, and every request
 * adds its cost in the same atomic script, so the count and its expiry are always set together.
 * Over the limit the caller answers 429 with `Retry-After` = the seconds until the counter expires.
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

/**
 * One round trip, atomic like a MULTI but one command (a MULTI of five costs ioredis about four
 * times the CPU). KEYS: the counters, then the keys to read. ARGV: each counter's cost and window.
 * Each counter is INCRBY'd, given its TTL if it has none (EXPIRE NX: the first request of a window
 * sets it) and its PTTL read. Reply: count and PTTL per counter, then each read value (or nil).
 */
const CHECK_SCRIPT = `
local counters = #ARGV / 2
local reply = {}
for i = 1, counters do
  local key = KEYS[i]
  reply[#reply + 1] = redis.call('INCRBY', key, ARGV[i * 2 - 1])
  redis.call('EXPIRE', key, ARGV[i * 2], 'NX')
  reply[#reply + 1] = redis.call('PTTL', key)
end
for i = counters + 1, #KEYS do
  reply[#reply + 1] = redis.call('GET', KEYS[i])
end
return reply
`;

type RateLimitCheckCommand = (
  numberOfKeys: number,
  ...keysThenArgs: (string | number)[]
) => Promise<unknown>;

/** Query operations (natural language and SQL): 100 an hour on the free tier, 1000 on premium. */
export const QUERY_LIMITS: Record<Tier, number> = { free: 100, premium: 1000 };

/**
 * The root fields that are query operations (natural-language questions and SQL runs, issue 6):
 * each occurrence in an operation counts against QUERY_LIMITS.
 */
export const QUERY_OPERATIONS: ReadonlySet<string> = new Set(['ask', 'runSql']);

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

/** One counter to add to: `kind` names the limit, `subject` whom it counts (a user id, an address). */
export interface CounterRequest {
  kind: string;
  subject: string;
  limit: number;
  /** How much this request adds (aliased or repeated fields each count). Default 1. */
  cost?: number;
  /** The counter's window; default the limiter's (one hour). */
  windowSeconds?: number;
}

/** A check sent to Redis, not yet settled: Redis's answer, or why there is none. */
export type SentCheck = { counters: CounterRequest[]; reads: string[] } & (
  { results: unknown[] } | { error: unknown }
);

export interface CheckResult {
  /** One decision per counter, in order. */
  decisions: RateDecision[];
  /** The values of the extra keys read in the same round trip (null when missing or degraded). */
  values: (string | null)[];
  /** True when Redis could not be asked and the request was let through. */
  degraded: boolean;
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

  const redis = options.redis as Redis & { rateLimitCheck: RateLimitCheckCommand };
  redis.defineCommand('rateLimitCheck', { lua: CHECK_SCRIPT });

  /**
   * Sends the round trip and resolves with Redis's answer, or with the error that prevented one;
   * it rejects only for a malformed counter. Starting it early and settling it later lets the
   * round trip overlap other work (the gateway sends it while Apollo parses the operation).
   */
  async function send(counters: CounterRequest[], reads: string[] = []): Promise<SentCheck> {
    const keys = counters.map((c) => keyOf(c.kind, c.subject));
    const args = counters.flatMap((c) => [c.cost ?? 1, c.windowSeconds ?? window]);
    try {
      const results = await redis.rateLimitCheck(
        keys.length + reads.length,
        ...keys,
        ...reads,
        ...args,
      );
      if (!Array.isArray(results) || results.length !== counters.length * 2 + reads.length) {
        throw new Error('unexpected rate-limit script reply');
      }
      return { counters, reads, results };
    } catch (error) {
      return { counters, reads, error };
    }
  }

  /**
   * The decisions of a sent check. If Redis could not answer, a fail-open check lets the request
   * through (counted in `rate_limit_degraded_total` and logged) and a fail-closed one throws 503.
   */
  function settle(
    sent: SentCheck,
    { failClosed = false }: { failClosed?: boolean } = {},
  ): CheckResult {
    const { counters, reads } = sent;
    if (!('results' in sent)) {
      const kinds = counters.map((c) => c.kind).join(',') || 'reads';
      degraded.inc({ kind: kinds, outcome: failClosed ? 'refused' : 'allowed' });
      log.warn({ err: sent.error, kinds, failClosed }, 'Redis unreachable for rate limiting');
      if (failClosed) {
        throw new AppError(
          ErrorCode.UPSTREAM_UNAVAILABLE,
          'This is unavailable for a moment. Try again shortly.',
          { httpStatus: 503 },
        );
      }
      return {
        decisions: counters.map((c) => ({
          allowed: true,
          count: 0,
          limit: c.limit,
          retryAfterSeconds: 0,
          degraded: true,
        })),
        values: reads.map(() => null),
        degraded: true,
      };
    }
    const { results } = sent;
    const decisions = counters.map((c, i) => {
      const count = Number(results[i * 2]);
      const ttlMs = Number(results[i * 2 + 1]);
      const retryAfterSeconds = ttlMs > 0 ? Math.ceil(ttlMs / 1000) : (c.windowSeconds ?? window);
      return {
        allowed: count <= c.limit,
        count,
        limit: c.limit,
        retryAfterSeconds,
        degraded: false,
      };
    });
    const values = results
      .slice(counters.length * 2)
      .map((value) => (typeof value === 'string' ? value : null));
    return { decisions, values, degraded: false };
  }

  /** Adds to every counter and reads `reads` in one round trip: `send` then `settle`. */
  async function check(
    counters: CounterRequest[],
    reads: string[] = [],
    how: { failClosed?: boolean } = {},
  ): Promise<CheckResult> {
    return settle(await send(counters, reads), how);
  }

  return {
    keyOf,
    send,
    settle,
    check,
    async consume(
      kind: string,
      subject: string,
      limit: number,
      { cost = 1, failClosed = false }: { cost?: number; failClosed?: boolean } = {},
    ): Promise<RateDecision> {
      const { decisions } = await check([{ kind, subject, limit, cost }], [], { failClosed });
      return decisions[0]!;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** The error for a request over its limit: HTTP 429, code RATE_LIMITED, retry time in details. */
export function rateLimited(decision: RateDecision, what = 'an hour'): AppError {
  return new AppError(
    ErrorCode.RATE_LIMITED,
    `You have reached your limit of ${decision.limit} ${what}. Try again in ${formatWait(decision.retryAfterSeconds)}.`,
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
