/**
 * What a caller presents: `Authorization: Bearer <access token>` or `Authorization: ApiKey <key>`.
 * The gateway also accepts the app's session cookie and turns every kind into a bearer token for
 * the subgraphs, so subgraphs only ever see bearer tokens.
 */
import { AppError, ErrorCode } from '../errors';
import type { VerifiedToken, VerifyToken } from './tokens';

export type Credentials =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  | { kind: 'api-key'; secret: string }
  | { kind: 'malformed' };

const MAX_HEADER_LENGTH = 8192;

export function parseAuthorization(header: string | undefined): Credentials {
  if (header === undefined || header === '') return { kind: 'none' };
  if (header.length > MAX_HEADER_LENGTH) return { kind: 'malformed' };
  const match = /^(Bearer|ApiKey) +([A-Za-z0-9._~+/=-]+) *$/i.exec(header);
  if (!match) return { kind: 'malformed' };
  return match[1]!.toLowerCase() === 'bearer'
    ? { kind: 'token', token: match[2]! }
    : { kind: 'api-key', secret: match[2]! };
}

export const signInRequired = () =>
  new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to continue.', { httpStatus: 401 });

/**
 * The verified caller of one request, computed on first use and remembered: a subgraph verifies
 * the forwarded token once, however many fields ask.
 */
export function lazyPrincipal(
  authorization: string | undefined,
  verify: VerifyToken,
): () => Promise<VerifiedToken> {
  let result: Promise<VerifiedToken> | undefined;
  return () => {
    result ??= (async () => {
      const credentials = parseAuthorization(authorization);
      if (credentials.kind === 'none') throw signInRequired();
      if (credentials.kind !== 'token') {
        throw new AppError(
          ErrorCode.UNAUTHENTICATED,
          'The access token is not valid. Sign in again.',
          {
            httpStatus: 401,
          },
        );
      }
      return verify(credentials.token);
    })();
    return result;
  };
}
