/**
 * Sign-in: checks the password against its scrypt hash and issues the access token. An unknown
 * email, a wrong password and a disabled account get the same answer, after the same work (a decoy
 * hash is checked when there is no account), so the answer does not reveal which accounts exist.
 */
import {
  API_KEY_TOKEN_LIFETIME_SECONDS,
  AppError,
  ErrorCode,
  MAX_PASSWORD_LENGTH,
  apiKeyMatches,
  apiKeyPrefix,
  badInput,
  decoyHash,
  hashApiKey,
  hasRole,
  issueToken,
  revocationKeys,
  verifyPassword,
  type KeySet,
  type Redis,
  type TokenOptions,
} from '@platform/runtime';
import type { ApiKeyStore } from './api-key-store';
import type { UserStore } from './store';

const WRONG = 'Email or password is wrong.';

export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length < 3 || normalized.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(normalized)) {
    throw badInput('Enter a valid email address.');
  }
  return normalized;
}

const INVALID_KEY = 'The API key is not valid.';

export function createSessions(
  users: UserStore,
  apiKeys: ApiKeyStore,
  keys: KeySet,
  tokens: TokenOptions,
  redis: Redis,
) {
  /**
   * When the token is issued: now, or, if the user's tokens were revoked within this second, the
   * second the revocation takes effect from, so a sign-in right after a role change is not itself
   * refused (`iat` has one-second precision). Without Redis: now.
   */
  async function issuedAt(userId: string): Promise<number> {
    const now = Math.floor(Date.now() / 1000);
    const validAfter = await redis.get(revocationKeys.userValidAfter(userId)).catch(() => null);
    return Math.max(now, Number(validAfter ?? 0));
  }

  return {
    async login(email: string, password: string) {
      const normalized = normalizeEmail(email);
      if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
        throw badInput(`The password must be 1 to ${MAX_PASSWORD_LENGTH} characters.`);
      }
      const account = await users.credentialsByEmail(normalized);
      const matches = await verifyPassword(password, account?.password_hash ?? (await decoyHash()));
      if (!account || !account.password_hash || !matches || account.disabled_at) {
        throw new AppError(ErrorCode.UNAUTHENTICATED, WRONG);
      }
      const user = await users.recordLogin(account.id);
      const session = await issueToken(
        { userId: user.id, role: user.role, tier: user.tier },
        keys,
        tokens,
        await issuedAt(user.id),
      );
      return { token: session.token, expiresAt: new Date(session.expiresAt * 1000), user };
    },

    /**
     * Exchanges an API key for a short-lived access token (the gateway calls this and caches the
     * token briefly). The key must exist, not be revoked, and belong to an enabled user; it acts
     * with its own role, never more than its creator's current role.
     */
    async exchangeApiKey(secret: string) {
      const prefix = apiKeyPrefix(secret);
      const key = prefix ? await apiKeys.forAuthentication(prefix) : null;
      // Compare even without a row, so timing does not tell which prefixes exist.
      const matches = apiKeyMatches(secret, key?.secret_hash ?? hashApiKey('decoy'));
      if (!key || !matches || key.revoked_at || key.disabled_at) {
        throw new AppError(ErrorCode.UNAUTHENTICATED, INVALID_KEY, { httpStatus: 401 });
      }
      const role = hasRole(key.user_role, key.role) ? key.role : key.user_role;
      const session = await issueToken(
        { userId: key.user_id, role, tier: key.tier, apiKeyId: key.id },
        keys,
        tokens,
        await issuedAt(key.user_id),
        API_KEY_TOKEN_LIFETIME_SECONDS,
      );
      await apiKeys.touch(key.id);
      return { token: session.token, expiresAt: session.expiresAt };
    },
  };
}
export type Sessions = ReturnType<typeof createSessions>;
