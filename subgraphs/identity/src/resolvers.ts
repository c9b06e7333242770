/** Thin resolvers: check input, call one function or loader. */
import { DateTimeScalar, isUuid, requireUuid } from '@platform/runtime';
import type { Context } from './context';
import { currentUser } from './sessions';
import type { UserRow } from './store';

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    user: (_: unknown, args: { id: string }, ctx: Context) =>
      ctx.users.load(requireUuid('id', args.id)),
    me: (_: unknown, _args: unknown, ctx: Context) =>
      currentUser(ctx.authorization, ctx.verify, (id) => ctx.users.load(id)),
  },
  Mutation: {
    login: (_: unknown, args: { email: string; password: string }, ctx: Context) =>
      ctx.sessions.login(args.email, args.password),
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      isUuid(ref.id) ? ctx.users.load(ref.id) : null,
    role: (user: UserRow) => user.role.toUpperCase(),
    tier: (user: UserRow) => user.tier.toUpperCase(),
    createdAt: (user: UserRow) => user.created_at,
    lastLoginAt: (user: UserRow) => user.last_login_at,
  },
};
