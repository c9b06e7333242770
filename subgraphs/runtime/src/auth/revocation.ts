/**
 * Revoking tokens before they expire, kept in Redis where the gateway checks it on every request
 * (in the same round trip as the rate-limit counters):
 *
 * - `auth:user:<id>:valid-after`: tokens of that user issued before this second are refused. Set
 *   when an admin disables a user or changes their role or tier (the token carries both), so the
 *   old claims stop working at once. It expires when the last token it could refuse has expired.
 * - `auth:token:<jti>:revoked`: one token refused (sign-out), until the token's own expiry.
 * - `auth:api-key:<id>:revoked`: tokens issued for an API key refused once the key is revoked.
 */
import type { Redis } from 'ioredis';
import { CLOCK_TOLERANCE_SECONDS, TOKEN_LIFETIME_SECONDS, type VerifiedToken } from './tokens';

export const revocationKeys = {
  userValidAfter: (userId: string) => `auth:user:${userId}:valid-after`,
  token: (tokenId: string) => `auth:token:${tokenId}:revoked`,
  apiKey: (apiKeyId: string) => `auth:api-key:${apiKeyId}:revoked`,
};

/** Long enough to outlive every token issued before now. */
const REMEMBER_SECONDS = TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS + 60;

/**
 * Refuses every token of `userId` issued so far: tokens are valid again from the next second, or,
 * when a revocation in this same second already moved that mark (and a token may have been issued
 * at it), from the second after that mark. Atomic in Redis, so concurrent revocations never move it back.
 */
const REVOKE_USER = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local mark = math.max(tonumber(ARGV[1]), current + 1)
redis.call('SET', KEYS[1], mark, 'EX', ARGV[2])
return mark`;

export async function revokeUserTokens(redis: Redis, userId: string, now = Date.now()) {
  await redis.eval(
    REVOKE_USER,
    1,
    revocationKeys.userValidAfter(userId),
    String(Math.floor(now / 1000) + 1),
    String(REMEMBER_SECONDS),
  );
}

/** Refuses one token until it expires anyway. */
export async function revokeToken(
  redis: Redis,
  token: Pick<VerifiedToken, 'tokenId' | 'expiresAt'>,
) {
  await redis.set(
    revocationKeys.token(token.tokenId),
    '1',
    'EXAT',
    token.expiresAt + CLOCK_TOLERANCE_SECONDS,
  );
}

export async function revokeApiKeyTokens(redis: Redis, apiKeyId: string) {
  await redis.set(revocationKeys.apiKey(apiKeyId), '1', 'EX', REMEMBER_SECONDS);
}

/** The Redis keys to read for `token`, in the order `isRevoked` expects their values. */
export function revocationReads(token: VerifiedToken): string[] {
  return [
    revocationKeys.userValidAfter(token.userId),
    revocationKeys.token(token.tokenId),
    ...(token.apiKeyId ? [revocationKeys.apiKey(token.apiKeyId)] : []),
  ];
}

/** Given the values read for `revocationReads(token)`, whether the token has been revoked. */
export function isRevoked(token: VerifiedToken, values: (string | null)[]): boolean {
  const [validAfter, tokenRevoked, keyRevoked] = values;
  if (validAfter != null && token.issuedAt < Number(validAfter)) return true;
  return tokenRevoked != null || keyRevoked != null;
}
