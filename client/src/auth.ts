/**
 * Signing in and out through the gateway's session endpoint on the app's own origin.
 *
 * `POST /auth/session` answers with the user and sets an HttpOnly, SameSite=Strict cookie that
 * carries the token; `DELETE /auth/session` revokes the token and clears the cookie. The app never
 * sees the token: script cannot read the cookie, so an injected script cannot steal a session, and
 * the browser adds it to every same-origin request (GraphQL over HTTP and the graphql-ws upgrade)
 * by itself. Whether someone is signed in is therefore learned by asking: `query { me }`.
 */
import { describeError, describeResponse, type ErrorDescription } from './errors';
import { ROLES, TIERS } from './roles';
import type { DateTime, Role, Tier } from './schema-types';

export const SESSION_PATH = '/auth/session';

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  tier: Tier;
}

/** The answer to a sign-in. */
export interface Session {
  user: SessionUser;
  expiresAt: DateTime;
}

/** Expected failures (wrong password, rate limit, platform down) are values, not exceptions. */
export type SessionResult<T> = { ok: true; value: T } | { ok: false; error: ErrorDescription };

const isString = (value: unknown): value is string => typeof value === 'string';

function parseSession(bodyText: string): Session | null {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object' || !('user' in body) || !('expiresAt' in body)) {
    return null;
  }
  const { user, expiresAt } = body;
  if (!user || typeof user !== 'object' || !isString(expiresAt)) return null;
  const { id, email, role, tier } = user as Record<string, unknown>;
  if (!isString(id) || !isString(email)) return null;
  if (!ROLES.includes(role as Role) || !TIERS.includes(tier as Tier)) return null;
  return { user: { id, email, role: role as Role, tier: tier as Tier }, expiresAt };
}

async function request(init: RequestInit): Promise<Response | ErrorDescription> {
  try {
    return await fetch(SESSION_PATH, {
      ...init,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...init.headers },
    });
  } catch (cause) {
    return describeError(cause); // offline, DNS, connection refused: "No connection"
  }
}

/** Signs in; on success the browser holds the session cookie. */
export async function signIn(email: string, password: string): Promise<SessionResult<Session>> {
  const response = await request({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!(response instanceof Response)) return { ok: false, error: response };
  const bodyText = await response.text().catch(() => '');
  if (!response.ok) {
    // 400, 401 ("Email or password is wrong."), 429, 503: the message is written for users.
    return { ok: false, error: describeResponse(response.status, response.headers, bodyText) };
  }
  const session = parseSession(bodyText);
  return session
    ? { ok: true, value: session }
    : {
        ok: false,
        error: {
          title: 'Unexpected response',
          message: 'The platform accepted the sign-in but sent an answer the app cannot read.',
          requestId: response.headers.get('x-request-id') ?? undefined,
        },
      };
}

/** Signs out: the token is revoked on the server and the cookie cleared. */
export async function signOut(): Promise<SessionResult<void>> {
  const response = await request({ method: 'DELETE' });
  if (!(response instanceof Response)) return { ok: false, error: response };
  // 401: there was no session left to end (it expired, or another tab ended it); the outcome the
  // user asked for holds either way.
  if (response.ok || response.status === 401) return { ok: true, value: undefined };
  const bodyText = await response.text().catch(() => '');
  return { ok: false, error: describeResponse(response.status, response.headers, bodyText) };
}
