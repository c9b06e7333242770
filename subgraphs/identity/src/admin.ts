/**
 * What admins do to users and API keys. Each change and its audit event are written in one
 * transaction; tokens the change invalidates are revoked in Redis inside that transaction, so a
 * Redis outage fails the change (nothing written) instead of leaving old tokens working.
 * The acting admin is re-checked against the database: a token alone is not enough to administer.
 */
import {
  AppError,
  ErrorCode,
  MAX_PASSWORD_LENGTH,
  badInput,
  generateApiKey,
  hashPassword,
  notFound,
  revokeApiKeyTokens,
  revokeUserTokens,
  withTransaction,
  type Pool,
  type PoolClient,
  type Redis,
  type Role,
  type Tier,
  type VerifiedToken,
} from '@platform/runtime';
import type { ApiKeyStore } from './api-key-store';
import type { AuditEntry, AuditStore } from './audit-store';
import { normalizeEmail } from './sessions';
import type { UserRow, UserStore } from './store';

export const MIN_PASSWORD_LENGTH = 12;

export interface Actor {
  principal: VerifiedToken;
  requestId: string;
}

export interface AdminDeps {
  pool: Pool;
  redis: Redis;
  users: UserStore;
  apiKeys: ApiKeyStore;
  audit: AuditStore;
}

const notAdmin = () =>
  new AppError(ErrorCode.FORBIDDEN, 'This needs an active admin account.', {
    details: { needed: 'admin' },
  });

/** Redis writes that must succeed for the change to count. */
async function revoking(action: () => Promise<void>) {
  try {
    await action();
  } catch (error) {
    throw new AppError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'The change could not be applied everywhere right now; nothing was changed. Try again.',
      { httpStatus: 503, cause: error },
    );
  }
}

export function createAdmin(deps: AdminDeps) {
  const { pool, redis, users, apiKeys, audit } = deps;

  /** Runs `fn` in a transaction after checking the actor is still an enabled admin. */
  async function asAdmin<T>(actor: Actor, fn: (db: PoolClient, admin: UserRow) => Promise<T>) {
    return withTransaction(pool, async (db) => {
      const admin = await users.lock(db, actor.principal.userId);
      if (!admin || admin.disabled_at || admin.role !== 'admin') throw notAdmin();
      return fn(db, admin);
    });
  }

  const record = (db: PoolClient, actor: Actor, entry: Omit<AuditEntry, 'actorId' | 'requestId'>) =>
    audit.append(db, {
      ...entry,
      actorId: actor.principal.userId,
      requestId: actor.requestId,
      details: actor.principal.apiKeyId
        ? { ...entry.details, viaApiKey: actor.principal.apiKeyId }
        : entry.details,
    });

  async function lastAdminGuard(
    db: PoolClient,
    target: UserRow,
    next: { role: Role; disabled: boolean },
  ) {
    const losesAdmin =
      target.role === 'admin' && !target.disabled_at && (next.role !== 'admin' || next.disabled);
    if (losesAdmin && (await users.countActiveAdmins(db)) <= 1) {
      throw badInput('This is the last active admin; make another admin first.');
    }
  }

  return {
    async createUser(
      actor: Actor,
      input: { email: string; password: string; role: Role; tier: Tier },
    ): Promise<UserRow> {
      const email = normalizeEmail(input.email);
      if (
        input.password.length < MIN_PASSWORD_LENGTH ||
        input.password.length > MAX_PASSWORD_LENGTH
      ) {
        throw badInput(
          `The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`,
        );
      }
      // Hash before the transaction: scrypt takes ~100 ms and must not hold locks.
      const passwordHash = await hashPassword(input.password);
      return asAdmin(actor, async (db) => {
        const user = await users.insert(db, {
          email,
          passwordHash,
          role: input.role,
          tier: input.tier,
        });
        if (!user) throw badInput(`A user with the email ${email} already exists.`, { email });
        await record(db, actor, {
          action: 'user.create',
          targetType: 'user',
          targetId: user.id,
          details: { email, role: input.role, tier: input.tier },
        });
        return user;
      });
    },

    async updateUser(actor: Actor, id: string, input: { role?: Role | null; tier?: Tier | null }) {
      return asAdmin(actor, async (db) => {
        const target = await users.lock(db, id);
        if (!target) throw notFound('User', id);
        const role = input.role ?? target.role;
        const tier = input.tier ?? target.tier;
        if (role === target.role && tier === target.tier) return target;
        await lastAdminGuard(db, target, { role, disabled: Boolean(target.disabled_at) });
        const updated = await users.update(db, id, {
          role,
          tier,
          disabled: Boolean(target.disabled_at),
        });
        const changes: Record<string, { from: string; to: string }> = {};
        if (role !== target.role) changes.role = { from: target.role, to: role };
        if (tier !== target.tier) changes.tier = { from: target.tier, to: tier };
        await record(db, actor, {
          action: 'user.update',
          targetType: 'user',
          targetId: id,
          details: { email: target.email, changes },
        });
        // The user's tokens carry the old role and tier: they must sign in again.
        await revoking(() => revokeUserTokens(redis, id));
        return updated;
      });
    },

    async setDisabled(actor: Actor, id: string, disabled: boolean) {
      return asAdmin(actor, async (db) => {
        const target = await users.lock(db, id);
        if (!target) throw notFound('User', id);
        if (Boolean(target.disabled_at) === disabled) return target;
        if (disabled && id === actor.principal.userId)
          throw badInput('You cannot disable your own account.');
        await lastAdminGuard(db, target, { role: target.role, disabled });
        const updated = await users.update(db, id, {
          role: target.role,
          tier: target.tier,
          disabled,
        });
        await record(db, actor, {
          action: disabled ? 'user.disable' : 'user.enable',
          targetType: 'user',
          targetId: id,
          details: { email: target.email },
        });
        if (disabled) await revoking(() => revokeUserTokens(redis, id));
        return updated;
      });
    },

    async createApiKey(actor: Actor, input: { name: string; role: Role }) {
      const name = input.name.trim();
      if (name.length < 1 || name.length > 100)
        throw badInput('The name must be 1 to 100 characters.');
      const key = generateApiKey();
      return asAdmin(actor, async (db) => {
        const apiKey = await apiKeys.insert(db, {
          name,
          role: input.role,
          prefix: key.prefix,
          hash: key.hash,
          createdBy: actor.principal.userId,
        });
        await record(db, actor, {
          action: 'api_key.create',
          targetType: 'api_key',
          targetId: apiKey.id,
          details: { name, role: input.role, prefix: key.prefix },
        });
        return { apiKey, secret: key.secret };
      });
    },

    async revokeApiKey(actor: Actor, id: string) {
      return asAdmin(actor, async (db) => {
        const before = await apiKeys.revoke(db, id);
        if (!before) throw notFound('API key', id);
        await record(db, actor, {
          action: 'api_key.revoke',
          targetType: 'api_key',
          targetId: id,
          details: { name: before.name, prefix: before.prefix },
        });
        await revoking(() => revokeApiKeyTokens(redis, id));
        return before;
      });
    },
  };
}
export type Admin = ReturnType<typeof createAdmin>;
