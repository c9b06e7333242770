/**
 * Access tokens: RS256 JWTs valid exactly 24 hours from issuance (Property 38), and the one
 * verifier that the gateway and every subgraph use (Property 35). Verification accepts only RS256
 * from the configured key set (never a key named in the token's own `jwk`/`jku` headers), checks
 * issuer, audience, `exp`, `iat` and `nbf` with a small clock tolerance, and turns every failure,
 * whatever jose throws, into UNAUTHENTICATED (Property 36).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors';
import type { KeySet } from './keys';

export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** Tokens the gateway gets for an API key live this long (the key itself is checked each time). */
export const API_KEY_TOKEN_LIFETIME_SECONDS = 15 * 60;
export const CLOCK_TOLERANCE_SECONDS = 5;
/** Longer strings are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

export const Role = z.enum(['viewer', 'analyst', 'admin']);
export type Role = z.infer<typeof Role>;
export const Tier = z.enum(['free', 'premium']);
export type Tier = z.infer<typeof Tier>;

export const ROLE_RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** True when `role` may do what `needed` may: viewer < analyst < admin. */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

export interface Principal {
  userId: string;
  role: Role;
  tier: Tier;
  /** Set when the caller authenticated with an API key: the key's id. */
  apiKeyId?: string | undefined;
}

/** A verified token: who it names and the token's own identity and times. */
export interface VerifiedToken extends Principal {
  /** `jti`: lets one token be revoked (sign-out). */
  tokenId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface TokenOptions {
  issuer: string;
  audience: string;
}

const Claims = z.object({
  sub: z.string().uuid(),
  role: Role,
  tier: Tier,
  jti: z.string().uuid(),
  iat: z.number().int(),
  exp: z.number().int(),
  akid: z.string().uuid().optional(),
});

/**
 * Signs an access token for `principal`, issued at `now` (seconds since the epoch), valid for
 * `lifetime` seconds (24 hours for a sign-in).
 */
export async function issueToken(
  principal: Principal,
  keys: KeySet,
  options: TokenOptions,
  now: number = Math.floor(Date.now() / 1000),
  lifetime: number = TOKEN_LIFETIME_SECONDS,
): Promise<{ token: string; tokenId: string; issuedAt: number; expiresAt: number }> {
  const expiresAt = now + lifetime;
  const tokenId = randomUUID();
  const claims = {
    role: principal.role,
    tier: principal.tier,
    ...(principal.apiKeyId ? { akid: principal.apiKeyId } : {}),
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.signer.kid })
    .setJti(tokenId)
    .setSubject(principal.userId)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(keys.signer.privateKey);
  return { token, tokenId, issuedAt: now, expiresAt };
}

const unauthenticated = (message: string) => new AppError(ErrorCode.UNAUTHENTICATED, message);

/**
 * A verifier bound to one key source: the service's own key set (identity) or a key lookup such as
 * identity's JWKS fetched over HTTP (`remoteKeys`). Build it once, use it for every request.
 */
export function tokenVerifier(keys: KeySet | JWTVerifyGetKey, options: TokenOptions) {
  const jwks =
    typeof keys === 'function'
      ? keys
      : createLocalJWKSet({ keys: keys.verifiers.map((k) => k.publicJwk) });
  return async function verifyToken(token: string, currentDate?: Date): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
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
      // The key source could not be reached (identity down): not the caller's fault.
      if (error instanceof AppError) throw error;
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
      apiKeyId: claims.data.akid,
      tokenId: claims.data.jti,
      issuedAt: claims.data.iat,
      expiresAt: claims.data.exp,
    };
  };
}
export type VerifyToken = ReturnType<typeof tokenVerifier>;
