/**
 * The declarative access policy: every root field needs a rule, roles are ordered
 * viewer < analyst < admin, and a refusal is FORBIDDEN before the resolver runs.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { buildSchema, graphql } from 'graphql';
import { createLogger } from '../logger';
import { applyPolicy, checkPolicy, type Policy } from './policy';
import type { Role, VerifiedToken } from './tokens';

const sdl = `
  type Query { report: String, me: String }
  type Mutation { runAnalysis: String, deleteEverything: String, signIn: String }
`;
const policy: Policy = {
  Query: { report: 'viewer', me: 'viewer' },
  Mutation: { runAnalysis: 'analyst', deleteEverything: 'admin', signIn: 'public' },
};
const logger = createLogger('test', 'silent');
const roles: Role[] = ['viewer', 'analyst', 'admin'];

function schemaWithCalls() {
  const calls: string[] = [];
  const schema = buildSchema(sdl);
  for (const type of [schema.getQueryType()!, schema.getMutationType()!]) {
    for (const field of Object.values(type.getFields())) {
      field.resolve = () => {
        calls.push(field.name);
        return 'ok';
      };
    }
  }
  return { schema: applyPolicy(schema, policy, { logger }), calls };
}

const asRole = (role: Role) => ({
  principal: async (): Promise<VerifiedToken> => ({
    userId: randomUUID(),
    role,
    tier: 'free',
    tokenId: randomUUID(),
    issuedAt: 0,
    expiresAt: 0,
  }),
});

describe('access policy', () => {
  it('for any role and field: allowed exactly when the role is at least the rule, and a refusal runs nothing', async () => {
    const { schema, calls } = schemaWithCalls();
    const fields = [
      ['mutation', 'runAnalysis', 'analyst'],
      ['mutation', 'deleteEverything', 'admin'],
      ['query', 'report', 'viewer'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...roles),
        fc.constantFrom(...fields),
        async (role, [op, field, needed]) => {
          calls.length = 0;
          const result = await graphql({
            schema,
            source: `${op} { ${field} }`,
            contextValue: asRole(role),
          });
          const allowed = roles.indexOf(role) >= roles.indexOf(needed);
          if (allowed) {
            expect(result.errors).toBeUndefined();
            expect(calls).toEqual([field]);
          } else {
            expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
            expect(result.errors?.[0]?.message).toBe(
              `This needs the ${needed} role; you are signed in as ${role}.`,
            );
            expect(calls).toEqual([]);
          }
        },
      ),
    );
  });

  it('a viewer calling an analyst mutation is FORBIDDEN; a public field needs no principal', async () => {
    const { schema } = schemaWithCalls();
    const viewer = await graphql({
      schema,
      source: 'mutation { runAnalysis }',
      contextValue: asRole('viewer'),
    });
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = {
      principal: () => Promise.reject(new Error('must not be asked')),
    };
    expect(
      (await graphql({ schema, source: 'mutation { signIn }', contextValue: anonymous })).data,
    ).toEqual({
      signIn: 'ok',
    });
  });

  it('a root field without a rule, or a rule for a field that does not exist, stops the service', () => {
    expect(() =>
      checkPolicy(buildSchema(sdl), {
        ...policy,
        Mutation: { runAnalysis: 'analyst', signIn: 'public' },
      }),
    ).toThrow(/Mutation.deleteEverything has no access rule/);
    expect(() =>
      checkPolicy(buildSchema(sdl), { ...policy, Query: { ...policy.Query, reprot: 'viewer' } }),
    ).toThrow(/Query.reprot is in the policy but not in the schema/);
  });
});
