/**
 * Sign-in: checks the password against its scrypt hash and issues the access token. An unknown
 * email, a wrong password and a disabled account get the same answer, after the same work (a decoy
 * hash is checked when there is no account), so the answer does not reveal which accounts exist.
 */
import {
  AppError,
  ErrorCode,
  MAX_PASSWORD_LENGTH,
  badInput,
  decoyHash,
  issueToken,
  verifyPassword,
  type KeySet,
  type TokenOptions,
  type VerifyToken,
} from '@platform/runtime';
import type { UserRow, UserStore } from './store';

const WRONG = 'Email or password is wrong.';

export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length < 3 || normalized.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(normalized)) {
    throw badInput('Enter a valid email address.');
  }
  return normalized;
}

export function createSessions(users: UserStore, keys: KeySet, tokens: TokenOptions) {
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
      );
      return { token: session.token, expiresAt: new Date(session.expiresAt * 1000), user };
    },
  };
}
export type Sessions = ReturnType<typeof createSessions>;

/** The signed-in user of a request: a valid token of an enabled account, else UNAUTHENTICATED. */
export async function currentUser(
  authorization: string | undefined,
  verify: VerifyToken,
  load: (id: string) => Promise<UserRow | null>,
): Promise<UserRow> {
  const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(authorization ?? '');
  if (!match) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to continue.');
  const principal = await verify(match[1]!);
  const user = await load(principal.userId);
  if (!user || user.disabled_at) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'This account is not active. Sign in again.');
  }
  return user;
}
