/**
 * The rate limiter against the real Redis of the local stack.
 *
 * Feature: ai-analytics-platform, Property 39: Request counting — for any request, the user's counter
 * in Redis is incremented, with a 1-hour TTL.
 * Feature: ai-analytics-platform, Property 40: Rate limit enforcement — a user over 100 query
 * requests an hour is refused (429) for the following ones.
 * Feature: ai-analytics-platform, Property 41: Retry-After header — every refusal says how many
 * seconds remain until the limit resets.
 * Feature: ai-analytics-platform, Property 42: Tiered rate limits — premium users get 1000 an hour
 * instead of 100.
 * Feature: ai-analytics-platform, Property 43: Redis counter storage — every counter is stored in
 * Redis with a 1-hour expiry.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { AppError } from './errors';
import { createLogger } from './logger';
import { QUERY_LIMITS, WINDOW_SECONDS, createRateLimiter, rateLimited } from './rate-limit';
import { createRedis, type Redis } from './redis';

const logger = createLogger('test', 'silent');
let redis: Redis;
const prefix = `rltest-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
  await redis.connect();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('rate limiter (real Redis)', () => {
  it('Properties 39 and 43: every request increments the counter, which always expires within an hour', async () => {
    const limiter = createRateLimiter({ redis, logger, prefix });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), async (requests) => {
        const user = randomUUID();
        for (let i = 1; i <= requests; i += 1) {
          const decision = await limiter.consume('query', user, 100);
          expect(decision.count).toBe(i);
          expect(await redis.get(limiter.keyOf('query', user))).toBe(String(i));
          const ttl = await redis.ttl(limiter.keyOf('query', user));
          expect(ttl).toBeGreaterThan(WINDOW_SECONDS - 5);
          expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('Properties 40, 41 and 42: each tier gets exactly its limit, then refusals that say when to retry', async () => {
    const limiter = createRateLimiter({ redis, logger, prefix });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('free' as const, 'premium' as const),
        fc.integer({ min: 1, max: 5 }),
        async (tier, extra) => {
          const user = randomUUID();
          const limit = QUERY_LIMITS[tier];
          // Bring the counter to the limit in one step (as many requests would), then go over it.
          const atLimit = await limiter.consume('query', user, limit, { cost: limit });
          expect(atLimit.allowed).toBe(true);
          for (let i = 0; i < extra; i += 1) {
            const over = await limiter.consume('query', user, limit);
            expect(over.allowed).toBe(false);
            expect(over.retryAfterSeconds).toBeGreaterThan(0);
            expect(over.retryAfterSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
            const error = rateLimited(over);
            expect(error.code).toBe('RATE_LIMITED');
            expect(error.extensions).toMatchObject({
              http: { status: 429 },
              details: { limit, retryAfterSeconds: over.retryAfterSeconds },
            });
          }
        },
      ),
      { numRuns: 10 },
    );
    expect(QUERY_LIMITS).toEqual({ free: 100, premium: 1000 });
  });

  it('Retry-After counts down with the counter: a window that ends in 90 s says 90', async () => {
    const limiter = createRateLimiter({ redis, logger, prefix });
    const user = randomUUID();
    await limiter.consume('query', user, 1);
    await redis.pexpire(limiter.keyOf('query', user), 89_500);
    const decision = await limiter.consume('query', user, 1);
    expect(decision).toMatchObject({ allowed: false, retryAfterSeconds: 90 });
    expect(rateLimited(decision).message).toMatch(/Try again in 2 minutes\./);
  });

  it('users and kinds are counted apart', async () => {
    const limiter = createRateLimiter({ redis, logger, prefix });
    const [a, b] = [randomUUID(), randomUUID()];
    await limiter.consume('query', a, 1);
    expect((await limiter.consume('query', b, 1)).allowed).toBe(true);
    expect((await limiter.consume('login', a, 1)).allowed).toBe(true);
    expect((await limiter.consume('query', a, 1)).allowed).toBe(false);
  });

  it('refuses a key that could address another counter', async () => {
    const limiter = createRateLimiter({ redis, logger, prefix });
    for (const [kind, subject] of [
      ['query', 'a b'],
      ['query', '*'],
      ['Query', 'x'],
      ['query', 'x'.repeat(200)],
      ['query', 'a\r\nFLUSHALL'],
    ] as const) {
      await expect(limiter.consume(kind, subject, 1)).rejects.toThrow(/invalid rate-limit key/);
    }
  });

  it('Redis down: ordinary limits fail open (counted in a metric), sign-in fails closed', async () => {
    const down = createRedis('redis://127.0.0.1:1', logger);
    await down.connect().catch(() => undefined);
    const registry = new Registry();
    const limiter = createRateLimiter({ redis: down, logger, registry, prefix });
    await expect(limiter.consume('query', randomUUID(), 100)).resolves.toMatchObject({
      allowed: true,
      degraded: true,
    });
    const refusal = await limiter
      .consume('login', 'someone', 10, { failClosed: true })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('UPSTREAM_UNAVAILABLE');
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/rate_limit_degraded_total\{kind="query",outcome="allowed"\} 1/);
    expect(metrics).toMatch(/rate_limit_degraded_total\{kind="login",outcome="refused"\} 1/);
    down.disconnect();
  });
});
