/**
 * Where services other than identity get the keys that verify access tokens: identity's JWKS
 * document over HTTP, cached (jose refetches at most every 30 s when a token names an unknown
 * `kid`, so a stream of hostile kids cannot hammer identity). Private keys stay in identity.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { AppError, ErrorCode } from '../errors';

export const JWKS_PATH = '/.well-known/jwks.json';

/** jose errors that say the token names no usable key: the caller's problem (401). */
const CALLER_ERRORS = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JWS_INVALID',
]);

export function remoteKeys(url: string | URL): JWTVerifyGetKey {
  const jwks = createRemoteJWKSet(new URL(url), {
    timeoutDuration: 3_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      // A token naming an unknown key (or a malformed one) is the caller's problem: 401.
      if (CALLER_ERRORS.has((error as { code?: string }).code ?? '')) throw error;
      // identity unreachable, slow, or its answer not a JWKS: a 503 the caller may retry.
      throw new AppError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'Sign-in checks are unavailable for a moment. Try again shortly.',
        { httpStatus: 503, cause: error },
      );
    }
  };
}
