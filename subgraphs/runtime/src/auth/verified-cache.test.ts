/**
 * The cache of verified tokens must never change an answer the verifier would give, except that a
 * removed key stays trusted for at most the cache's lifetime.
 *
 * Feature: ai-analytics-platform, Property 36: Invalid token rejection — for any invalid or expired
 * token, the platform answers UNAUTHENTICATED without processing the request.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { AppError } from '../errors';
import { generateSigningJwk, keySetFrom, type KeySet } from './keys';
import { CLOCK_TOLERANCE_SECONDS, issueToken, tokenVerifier, type Principal } from './tokens';
import { cachedVerifier } from './verified-cache';

const options = { issuer: 'https://analytics.test/identity', audience: 'analytics-platform' };
const principal: Principal = { userId: randomUUID(), role: 'viewer', tier: 'free' };
let keys: KeySet;
let otherKeys: KeySet;

beforeAll(async () => {
  keys = await keySetFrom({ signer: 'k1', keys: [await generateSigningJwk('k1')] });
  otherKeys = await keySetFrom({ signer: 'k2', keys: [await generateSigningJwk('k2')] });
});

/** A clock the test moves, in milliseconds. */
function clock(startSeconds: number) {
  let ms = startSeconds * 1000;
  return { now: () => ms, set: (seconds: number) => (ms = seconds * 1000) };
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (e: unknown) => (e instanceof AppError ? e.code : 'crashed'),
  );

describe('cachedVerifier', () => {
  it('gives the verifier’s answer at every moment of a token’s life, cached or not', async () => {
    const verify = tokenVerifier(keys, options);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 60, max: 24 * 3600 }),
        // Moments relative to issuance, in the order requests arrive.
        fc
          .array(fc.integer({ min: 0, max: 25 * 3600 }), { minLength: 1, maxLength: 8 })
          .map((xs) => xs.sort((a, b) => a - b)),
        fc.integer({ min: 1, max: 48 * 3600 }),
        async (lifetime, moments, ttlSeconds) => {
          const issuedAt = 1_900_000_000;
          const { token } = await issueToken(principal, keys, options, issuedAt, lifetime);
          const time = clock(issuedAt);
          const cached = cachedVerifier(verify, { now: time.now, ttlSeconds });
          for (const moment of moments) {
            time.set(issuedAt + moment);
            const expected = await outcome(verify(token, new Date(time.now())));
            expect(await outcome(cached(token))).toBe(expected);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a remembered token the moment it expires, tolerance included', async () => {
    const issuedAt = 1_900_000_000;
    const { token } = await issueToken(principal, keys, options, issuedAt, 600);
    const time = clock(issuedAt);
    const cached = cachedVerifier(tokenVerifier(keys, options), {
      now: time.now,
      ttlSeconds: 3600,
    });
    await expect(cached(token)).resolves.toMatchObject({ userId: principal.userId });
    time.set(issuedAt + 600 + CLOCK_TOLERANCE_SECONDS - 1);
    await expect(cached(token)).resolves.toMatchObject({ userId: principal.userId });
    time.set(issuedAt + 600 + CLOCK_TOLERANCE_SECONDS);
    await expect(outcome(cached(token))).resolves.toBe('UNAUTHENTICATED');
  });

  it('remembers only successes: a refused token is checked again every time', async () => {
    let calls = 0;
    const cached = cachedVerifier(async (token) => {
      calls += 1;
      return tokenVerifier(keys, options)(token);
    });
    const { token: foreign } = await issueToken(principal, otherKeys, options);
    for (let i = 0; i < 3; i += 1) {
      await expect(outcome(cached(foreign))).resolves.toBe('UNAUTHENTICATED');
    }
    expect(calls).toBe(3);
    const { token } = await issueToken(principal, keys, options);
    await cached(token);
    await cached(token);
    expect(calls).toBe(4);
  });

  it('trusts a removed key for at most its lifetime, then checks the signature again', async () => {
    const time = clock(Math.floor(Date.now() / 1000));
    let current = keys;
    const cached = cachedVerifier((token, at) => tokenVerifier(current, options)(token, at), {
      now: time.now,
      ttlSeconds: 30,
    });
    const { token } = await issueToken(principal, keys, options, Math.floor(time.now() / 1000));
    await cached(token);
    current = otherKeys; // k1 rotated out of the key set
    time.set(time.now() / 1000 + 29);
    await expect(outcome(cached(token))).resolves.toBe('accepted');
    time.set(time.now() / 1000 + 2);
    await expect(outcome(cached(token))).resolves.toBe('UNAUTHENTICATED');
  });

  it('passes empty, oversized and non-string tokens straight to the verifier', async () => {
    const cached = cachedVerifier(tokenVerifier(keys, options));
    for (const token of ['', 'x'.repeat(9000), 42 as unknown as string]) {
      await expect(outcome(cached(token))).resolves.toBe('UNAUTHENTICATED');
    }
  });
});
