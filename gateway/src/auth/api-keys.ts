/**
 * API keys at the gateway: identity exchanges a key for a short-lived access token, which the
 * gateway caches (by the key's SHA-256, never the key) until shortly before it expires, so a busy
 * service does not cost identity a lookup per request. A revoked key stops working at once anyway:
 * revocation is checked in Redis on every request (see guard.ts).
 */
import { LRUCache } from 'lru-cache';
import {
  AppError,
  ErrorCode,
  REQUEST_ID_HEADER,
  hashApiKey,
  type VerifiedToken,
  type VerifyToken,
} from '@platform/runtime';

const REFRESH_MARGIN_SECONDS = 60;

export interface ApiKeyExchange {
  (secret: string, requestId: string): Promise<{ token: string; principal: VerifiedToken }>;
}

export function apiKeyExchange(options: {
  /** identity's exchange endpoint. */
  url: string;
  verify: VerifyToken;
  timeoutMs: number;
}): ApiKeyExchange {
  const cache = new LRUCache<string, { token: string; principal: VerifiedToken }>({ max: 10_000 });
  return async (secret, requestId) => {
    const cacheKey = hashApiKey(secret);
    const cached = cache.get(cacheKey);
    const now = Math.floor(Date.now() / 1000);
    if (cached && cached.principal.expiresAt - REFRESH_MARGIN_SECONDS > now) return cached;

    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: requestId },
        body: JSON.stringify({ apiKey: secret }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new AppError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'API keys cannot be checked right now. Try again shortly.',
        { httpStatus: 503, cause: error },
      );
    }
    if (response.status === 401) {
      cache.delete(cacheKey);
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'The API key is not valid.', {
        httpStatus: 401,
      });
    }
    if (!response.ok) {
      throw new AppError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'API keys cannot be checked right now. Try again shortly.',
        { httpStatus: 503 },
      );
    }
    const { token } = (await response.json()) as { token: string };
    const entry = { token, principal: await options.verify(token) };
    cache.set(cacheKey, entry);
    return entry;
  };
}
