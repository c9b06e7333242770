/**
 * Remembers tokens that verified, so a caller's next requests skip the RS256 check (about 0.3 ms
 * each through WebCrypto here, paid at the gateway and again in every subgraph).
 *
 * Only successes are kept, keyed by the exact token string: the same bytes verified once with the
 * same issuer, audience and keys. A remembered token is still refused once it expires (with the
 * same clock tolerance), so the cache never extends a token's life. What it can delay is the
 * removal of a key from the key set: a token signed by a removed key keeps working for at most
 * `ttlSeconds` after it was last verified. Revocation (sign-out, disabled users, revoked API
 * keys) is checked in Redis on every request and is not affected.
 */
import { LRUCache } from 'lru-cache';
import { AppError, ErrorCode } from '../errors';
import {
  CLOCK_TOLERANCE_SECONDS,
  MAX_TOKEN_LENGTH,
  type VerifiedToken,
  type VerifyToken,
} from './tokens';

export interface VerifiedCacheOptions {
  /** How many tokens to remember. */
  max?: number;
  /** How long a verification is trusted before the signature is checked again. */
  ttlSeconds?: number;
  /** The clock, in milliseconds since the epoch (tests move it). */
  now?: () => number;
}

export function cachedVerifier(
  verify: VerifyToken,
  { max = 10_000, ttlSeconds = 30, now = Date.now }: VerifiedCacheOptions = {},
): VerifyToken {
  const cache = new LRUCache<string, VerifiedToken>({
    max,
    ttl: ttlSeconds * 1000,
    ttlResolution: 0,
    perf: { now },
  });
  return async function verifyRemembered(token, currentDate) {
    // A caller that names the time (tests of expiry) always gets a full verification.
    if (currentDate || typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
      return verify(token, currentDate);
    }
    const remembered = cache.get(token);
    if (remembered) {
      if (remembered.expiresAt + CLOCK_TOLERANCE_SECONDS > now() / 1000) return remembered;
      cache.delete(token);
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Your session has expired. Sign in again.');
    }
    const verified = await verify(token, new Date(now()));
    cache.set(token, verified);
    return verified;
  };
}
