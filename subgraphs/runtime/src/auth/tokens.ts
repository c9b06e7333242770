/**
 * Access tokens: RS256 JWTs valid exactly 24 hours from issuance (Property 38), and the one
 * verifier that the gateway and every subgraph use (Property 35). Verification accepts only RS256
 * from the configured key set (never a key named in the token's own `jwk`/`jku` headers), checks
 * issuer, audience, `exp`, `iat` and `nbf` with a small clock tolerance, and turns every failure,
 * whatever jose throws, into UNAUTHENTICATED (Property 36).
 */
import { SignJWT, createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors';
import type { KeySet } from './keys';

export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
export const CLOCK_TOLERANCE_SECONDS = 5;

export const Role = z.enum(['viewer', 'analyst', 'admin']);
export type Role = z.infer<typeof Role>;
export const Tier = z.enum(['free', 'premium']);
export type Tier = z.infer<typeof Tier>;

export interface Principal {
  userId: string;
  role: Role;
  tier: Tier;
}

export interface TokenOptions {
  issuer: string;
  audience: string;
}

const Claims = z.object({
  sub: z.string().uuid(),
  role: Role,
  tier: Tier,
});

/** Signs an access token for `principal`, issued at `now` (seconds since the epoch). */
export async function issueToken(
  principal: Principal,
  keys: KeySet,
  options: TokenOptions,
  now: number = Math.floor(Date.now() / 1000),
): Promise<{ token: string; issuedAt: number; expiresAt: number }> {
  const expiresAt = now + TOKEN_LIFETIME_SECONDS;
  const token = await new SignJWT({ role: principal.role, tier: principal.tier })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.signer.kid })
    .setSubject(principal.userId)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(keys.signer.privateKey);
  return { token, issuedAt: now, expiresAt };
}

const unauthenticated = (message: string) => new AppError(ErrorCode.UNAUTHENTICATED, message);

/** A verifier bound to one key set; build it once, use it for every request. */
export function tokenVerifier(keys: KeySet, options: TokenOptions) {
  const jwks = createLocalJWKSet({ keys: keys.verifiers.map((k) => k.publicJwk) });
  return async function verifyToken(
    token: string,
    currentDate?: Date,
  ): Promise<Principal & { expiresAt: number }> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw unauthenticated('A valid access token is required.');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp', 'sub', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...(currentDate ? { currentDate } : {}),
      }));
    } catch (error) {
      // Every jose error (and a TypeError from a malformed token) means the same to a caller.
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw unauthenticated(
        expired
          ? 'Your session has expired. Sign in again.'
          : 'The access token is not valid. Sign in again.',
      );
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw unauthenticated('The access token is not valid. Sign in again.');
    return {
      userId: claims.data.sub,
      role: claims.data.role,
      tier: claims.data.tier,
      expiresAt: payload.exp!,
    };
  };
}
export type VerifyToken = ReturnType<typeof tokenVerifier>;
