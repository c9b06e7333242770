/** Thin resolvers: check input, call one function or loader. */
import {
  AppError,
  DateTimeScalar,
  ErrorCode,
  isUuid,
  keysetPage,
  requireUuid,
  toConnection,
  type KeysetArgs,
  type Policy,
} from '@platform/runtime';
import type { ApiKeyRow } from './api-key-store';
import type { AuditRow } from './audit-store';
import type { Context } from './context';
import { auditFilter, type AuditFilterInput } from './audit-filter';
import type { UserRow } from './store';

type RoleEnum = 'VIEWER' | 'ANALYST' | 'ADMIN';
type TierEnum = 'FREE' | 'PREMIUM';
const role = (value: RoleEnum) => value.toLowerCase() as UserRow['role'];
const tier = (value: TierEnum) => value.toLowerCase() as UserRow['tier'];

/** Who may call what: one rule per root field (runtime's applyPolicy enforces it). */
export const policy = {
  Query: {
    user: 'viewer',
    me: 'viewer',
    users: 'admin',
    apiKeys: 'admin',
    auditEvents: 'admin',
  },
  Mutation: {
    login: 'public',
    // Each hashes a password or writes to Redis: bounded per admin on top of the gateway's limits.
    createUser: { access: 'admin', limit: { max: 30, window: '1m' } },
    updateUser: { access: 'admin', limit: { max: 60, window: '1m' } },
    disableUser: { access: 'admin', limit: { max: 60, window: '1m' } },
    enableUser: { access: 'admin', limit: { max: 60, window: '1m' } },
    createApiKey: { access: 'admin', limit: { max: 30, window: '1m' } },
    revokeApiKey: { access: 'admin', limit: { max: 60, window: '1m' } },
  },
} satisfies Policy;

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    user: (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.userById.load(requireUuid('id', args.id)),
    me: async (_: unknown, _args: unknown, ctx: Context) => {
      const user = await ctx.userById.load((await ctx.principal()).userId);
      if (!user || user.disabled_at) {
        throw new AppError(
          ErrorCode.UNAUTHENTICATED,
          'This account is not active. Sign in again.',
          {
            httpStatus: 401,
          },
        );
      }
      return user;
    },
    users: async (_: unknown, args: KeysetArgs, ctx: Context) => {
      const { rows, hasNextPage } = await ctx.users.page(keysetPage(args));
      return toConnection(rows, hasNextPage);
    },
    apiKeys: async (
      _: unknown,
      args: KeysetArgs & { includeRevoked?: boolean | null },
      ctx: Context,
    ) => {
      const page = { ...keysetPage(args), includeRevoked: args.includeRevoked ?? false };
      const { rows, hasNextPage } = await ctx.apiKeys.page(page);
      return toConnection(rows, hasNextPage);
    },
    auditEvents: async (
      _: unknown,
      args: KeysetArgs & { filter?: AuditFilterInput | null },
      ctx: Context,
    ) => {
      const page = { ...keysetPage(args), filter: auditFilter(args.filter) };
      const { rows, hasNextPage } = await ctx.audit.page(page);
      return toConnection(rows, hasNextPage);
    },
  },
  Mutation: {
    login: (_: unknown, args: { email: string; password: string }, ctx: Context) =>
      ctx.sessions.login(args.email, args.password),
    createUser: async (
      _: unknown,
      args: { input: { email: string; password: string; role: RoleEnum; tier: TierEnum } },
      ctx: Context,
    ) =>
      ctx.admin.createUser(await ctx.actor(), {
        ...args.input,
        role: role(args.input.role),
        tier: tier(args.input.tier),
      }),
    updateUser: async (
      _: unknown,
      args: { id: string; input: { role?: RoleEnum | null; tier?: TierEnum | null } },
      ctx: Context,
    ) =>
      ctx.admin.updateUser(await ctx.actor(), requireUuid('id', args.id), {
        role: args.input.role ? role(args.input.role) : null,
        tier: args.input.tier ? tier(args.input.tier) : null,
      }),
    disableUser: async (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.admin.setDisabled(await ctx.actor(), requireUuid('id', args.id), true),
    enableUser: async (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.admin.setDisabled(await ctx.actor(), requireUuid('id', args.id), false),
    createApiKey: async (
      _: unknown,
      args: { input: { name: string; role: RoleEnum } },
      ctx: Context,
    ) =>
      ctx.admin.createApiKey(await ctx.actor(), {
        name: args.input.name,
        role: role(args.input.role),
      }),
    revokeApiKey: async (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.admin.revokeApiKey(await ctx.actor(), requireUuid('id', args.id)),
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? ctx.userById.load(ref.id) : null,
    role: (user: UserRow) => user.role.toUpperCase(),
    tier: (user: UserRow) => user.tier.toUpperCase(),
    createdAt: (user: UserRow) => user.created_at,
    lastLoginAt: (user: UserRow) => user.last_login_at,
    disabledAt: (user: UserRow) => user.disabled_at,
  },
  ApiKey: {
    role: (key: ApiKeyRow) => key.role.toUpperCase(),
    createdAt: (key: ApiKeyRow) => key.created_at,
    createdBy: (key: ApiKeyRow, _: unknown, ctx: Context) => ctx.userById.load(key.created_by),
    lastUsedAt: (key: ApiKeyRow) => key.last_used_at,
    revokedAt: (key: ApiKeyRow) => key.revoked_at,
  },
  AuditEvent: {
    at: (event: AuditRow) => event.created_at,
    actor: (event: AuditRow, _: unknown, ctx: Context) =>
      event.actor_id ? ctx.userById.load(event.actor_id) : null,
    targetType: (event: AuditRow) => event.target_type,
    targetId: (event: AuditRow) => event.target_id,
    details: (event: AuditRow) => JSON.stringify(event.details),
    requestId: (event: AuditRow) => event.request_id,
  },
};
