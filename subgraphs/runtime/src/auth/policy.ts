/**
 * Who may call what, declared once per subgraph as data: every field of `Query` and `Mutation`
 * must have a rule (`'public'`, or the least role that may call it), or the subgraph refuses to
 * start, so a new field cannot ship unprotected. Rules may also name fields of other types, and
 * may add a per-caller limit for expensive fields (graphql-rate-limit over Redis).
 *
 *   const policy = {
 *     Query: { users: 'admin', me: 'viewer' },
 *     Mutation: { login: 'public', createUser: { access: 'admin', limit: { max: 30, window: '1m' } } },
 *   } satisfies Policy;
 *
 * The federation entry point `Query._entities` needs a signed-in caller unless the policy says
 * otherwise; `Query._service` (the SDL, for composition) is public.
 */
import {
  defaultFieldResolver,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { getGraphQLRateLimiter, Store } from 'graphql-rate-limit';
import type { Redis } from 'ioredis';
import { AppError, ErrorCode } from '../errors';
import type { Logger } from '../logger';
import { hasRole, type Role, type VerifiedToken } from './tokens';

export type Access = 'public' | Role;

export interface FieldLimit {
  max: number;
  /** e.g. `'1m'`, `'1h'` (the `ms` format). */
  window: string;
  /** Count per value of these arguments too (e.g. per email for sign-in). */
  identityArgs?: string[];
}

export type Rule = Access | { access: Access; limit?: FieldLimit };
export type Policy = Record<string, Record<string, Rule>>;

export interface PolicyContext {
  principal(): Promise<VerifiedToken>;
}

const FEDERATION_DEFAULTS: Record<string, Rule> = { _entities: 'viewer', _service: 'public' };

/** graphql-rate-limit's store over ioredis: call times per (caller, field) with the window as TTL. */
class RedisTimestampStore extends Store {
  constructor(private readonly redis: Redis) {
    super();
  }
  private key(identity: { contextIdentity: string; fieldIdentity: string }) {
    return `rl:field:${identity.contextIdentity}:${identity.fieldIdentity}`;
  }
  async setForIdentity(
    identity: { contextIdentity: string; fieldIdentity: string },
    timestamps: readonly number[],
    windowMs?: number,
  ): Promise<void> {
    const key = this.key(identity);
    if (windowMs) await this.redis.set(key, JSON.stringify(timestamps), 'PX', windowMs);
    else await this.redis.set(key, JSON.stringify(timestamps));
  }
  async getForIdentity(identity: {
    contextIdentity: string;
    fieldIdentity: string;
  }): Promise<readonly number[]> {
    const value = await this.redis.get(this.key(identity));
    const parsed: unknown = value ? JSON.parse(value) : [];
    return Array.isArray(parsed) ? parsed.filter((t): t is number => typeof t === 'number') : [];
  }
}

function normalize(rule: Rule): { access: Access; limit?: FieldLimit } {
  return typeof rule === 'string' ? { access: rule } : rule;
}

/** Checks the policy covers every root field and names only fields that exist. */
export function checkPolicy(schema: GraphQLSchema, policy: Policy): void {
  const problems: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.keys(root.getFields())) {
      if (!(field in FEDERATION_DEFAULTS) && !policy[root.name]?.[field]) {
        problems.push(`${root.name}.${field} has no access rule`);
      }
    }
  }
  for (const [typeName, fields] of Object.entries(policy)) {
    const type = schema.getType(typeName);
    for (const field of Object.keys(fields)) {
      if (!isObjectType(type) || !type.getFields()[field]) {
        problems.push(`${typeName}.${field} is in the policy but not in the schema`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`access policy: ${problems.join('; ')}`);
}

/**
 * Wraps the resolvers of `schema` in place with the policy's checks; call once, before serving.
 * With `redis`, fields with a `limit` are rate-limited per caller (Redis errors let the call through,
 * logged); without it a policy with limits is refused.
 */
export function applyPolicy(
  schema: GraphQLSchema,
  policy: Policy,
  options: { redis?: Redis; logger: Logger },
): GraphQLSchema {
  checkPolicy(schema, policy);
  const withDefaults: Policy = {
    ...policy,
    Query: { ...FEDERATION_DEFAULTS, ...policy.Query },
  };
  const limiter = options.redis
    ? getGraphQLRateLimiter({
        identifyContext: (ctx: { identity: string }) => ctx.identity,
        store: new RedisTimestampStore(options.redis),
      })
    : undefined;

  for (const [typeName, fields] of Object.entries(withDefaults)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const [fieldName, raw] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) continue;
      const rule = normalize(raw);
      if (rule.limit && !limiter) {
        throw new Error(`access policy: ${typeName}.${fieldName} has a limit but no Redis`);
      }
      const resolve: GraphQLFieldResolver<unknown, PolicyContext> =
        field.resolve ?? defaultFieldResolver;
      field.resolve = async (source, args, ctx, info) => {
        let identity = 'anonymous';
        if (rule.access !== 'public') {
          const principal = await ctx.principal();
          if (!hasRole(principal.role, rule.access)) {
            throw new AppError(
              ErrorCode.FORBIDDEN,
              `This needs the ${rule.access} role; you are signed in as ${principal.role}.`,
              { details: { needed: rule.access, role: principal.role } },
            );
          }
          identity = principal.userId;
        }
        if (rule.limit && limiter) {
          let refusal: string | undefined;
          try {
            refusal = await limiter(
              { parent: source, args, context: { identity }, info },
              { ...rule.limit, message: 'limited' },
            );
          } catch (error) {
            options.logger.warn(
              { err: error, field: `${typeName}.${fieldName}` },
              'field rate limit unavailable; allowed',
            );
          }
          if (refusal) {
            throw new AppError(
              ErrorCode.RATE_LIMITED,
              `Too many ${fieldName} calls: at most ${rule.limit.max} per ${rule.limit.window}. Try again shortly.`,
              { details: { field: fieldName, max: rule.limit.max, window: rule.limit.window } },
            );
          }
        }
        return resolve(source, args, ctx, info);
      };
    }
  }
  return schema;
}
