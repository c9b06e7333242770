/** Thin resolvers: check input, call the store through the request's loaders. */
import { DateTimeScalar, badInput, isUuid } from '@platform/runtime';
import type { Context } from './context';
import type { UserRow } from './store';

function userId(id: string): string {
  if (!isUuid(id)) throw badInput('`id` must be a UUID.', { id: id.slice(0, 64) });
  return id;
}

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    user: (_: unknown, args: { id: string }, ctx: Context) => ctx.users.load(userId(args.id)),
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
