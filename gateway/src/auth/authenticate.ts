/**
 * Who is calling: the app's HttpOnly session cookie, `Authorization: Bearer <token>`, or
 * `Authorization: ApiKey <key>`. Credentials that are present but wrong are refused here with 401,
 * before any parsing or planning; no credentials at all leave the request anonymous, and the guard
 * lets an anonymous request through only if every field it asks for is public (sign-in).
 * Whatever the caller presented, subgraphs receive `Authorization: Bearer <access token>`.
 */
import type { IncomingMessage } from 'node:http';
import { parseCookie } from 'cookie';
import {
  AppError,
  ErrorCode,
  parseAuthorization,
  type VerifiedToken,
  type VerifyToken,
} from '@platform/runtime';
import type { ApiKeyExchange } from './api-keys';

export const SESSION_COOKIE = 'platform_session';

export interface Authenticated {
  principal: VerifiedToken;
  /** The access token to forward to subgraphs. */
  token: string;
  /** How the caller authenticated. */
  via: 'cookie' | 'bearer' | 'api-key';
}

const invalid = () =>
  new AppError(ErrorCode.UNAUTHENTICATED, 'The credentials are not valid. Sign in again.', {
    httpStatus: 401,
  });

export function sessionCookie(request: Pick<IncomingMessage, 'headers'>): string | undefined {
  const header = request.headers.cookie;
  if (!header || header.length > 16_384) return undefined;
  return parseCookie(header)[SESSION_COOKIE] || undefined;
}

export function authenticator(deps: { verify: VerifyToken; exchange: ApiKeyExchange }) {
  /** Resolves to the caller, or undefined for none; rejects with 401 (or 503) for bad ones. */
  return async function authenticate(
    request: Pick<IncomingMessage, 'headers'>,
    requestId: string,
    connectionAuthorization?: string,
  ): Promise<Authenticated | undefined> {
    const header = connectionAuthorization ?? request.headers.authorization;
    const credentials = parseAuthorization(header);
    switch (credentials.kind) {
      case 'malformed':
        throw invalid();
      case 'token':
        return {
          principal: await deps.verify(credentials.token),
          token: credentials.token,
          via: 'bearer',
        };
      case 'api-key': {
        const { token, principal } = await deps.exchange(credentials.secret, requestId);
        return { principal, token, via: 'api-key' };
      }
      case 'none': {
        const cookie = sessionCookie(request);
        if (!cookie) return undefined;
        return { principal: await deps.verify(cookie), token: cookie, via: 'cookie' };
      }
    }
  };
}
export type Authenticate = ReturnType<typeof authenticator>;
