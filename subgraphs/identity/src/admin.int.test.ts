/**
 * Administering users and API keys in identity against the real PostgreSQL and Redis: every admin
 * action lands in the audit trail in the same transaction, the trail cannot be rewritten, and the
 * guards against locking everyone out hold.
 *
 * Feature: ai-analytics-platform, Property 37: Admin action logging — for any action performed by
 * a user with admin role, the action is logged to the audit trail with timestamp, user ID, and
 * action details.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { hashPassword } from '@platform/runtime';
import { migrate } from '../../../scripts/migrate.mjs';
import { DATABASE_URL, postGraphQL, type GraphQLBody } from '../../runtime/test/graphql';
import { start } from './index';

let server: Awaited<ReturnType<typeof start>>;
const keysDir = mkdtempSync(join(tmpdir(), 'identity-admin-keys-'));
const password = 'correct horse battery staple';
const admin = { id: randomUUID(), email: `admin-${randomUUID().slice(0, 8)}@example.test` };
const created: string[] = [admin.id];
let token: string;

const gql = (query: string, variables?: Record<string, unknown>) =>
  postGraphQL(server.url, query, variables, token);
const data = <T>(body: GraphQLBody) => {
  expect(body.errors).toBeUndefined();
  return body.data as T;
};

beforeAll(async () => {
  await migrate(DATABASE_URL, { quiet: true });
  server = await start(
    {
      ...process.env,
      DATABASE_URL,
      IDENTITY_PORT: '0',
      LOG_LEVEL: 'silent',
      AUTH_KEYS_DIR: keysDir,
    },
    false,
  );
  await server.deps.pool.query(
    `INSERT INTO identity.users (id, email, role, tier, password_hash) VALUES ($1, $2, 'admin', 'premium', $3)`,
    [admin.id, admin.email, await hashPassword(password)],
  );
  const login = await postGraphQL(
    server.url,
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
    { e: admin.email, p: password },
  );
  token = (login.data as { login: { token: string } }).login.token;
});

afterAll(async () => {
  await server?.deps.pool.query(
    'DELETE FROM identity.api_keys WHERE created_by = ANY($1::uuid[])',
    [created],
  );
  await server?.deps.pool.query('DELETE FROM identity.users WHERE id = ANY($1::uuid[])', [created]);
  await server?.close();
  rmSync(keysDir, { recursive: true, force: true });
});

const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { id email role tier } }`;
const AUDIT = `query($filter: AuditFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    edges { node { id at action targetType targetId details requestId actor { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface AuditNode {
  id: string;
  at: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: string;
  actor: { id: string } | null;
}
const auditOf = async (targetId: string) =>
  data<{ auditEvents: { edges: { node: AuditNode }[] } }>(
    await gql(AUDIT, { filter: { targetId }, first: 100 }),
  ).auditEvents.edges.map((e) => e.node);

async function newUser(role = 'VIEWER', tier = 'FREE') {
  const email = `user-${randomUUID().slice(0, 8)}@example.test`;
  const user = data<{ createUser: { id: string } }>(
    await gql(CREATE, { input: { email, password, role, tier } }),
  ).createUser;
  created.push(user.id);
  return { ...user, email };
}

describe('identity: administration and the audit trail', () => {
  it('Property 37: every admin action is in the audit trail with its time, admin and details', async () => {
    type Action =
      | { kind: 'create'; role: string; tier: string }
      | { kind: 'update'; role: string; tier: string }
      | { kind: 'disable' }
      | { kind: 'enable' }
      | { kind: 'key'; role: string; name: string }
      | { kind: 'revoke' };
    const role = fc.constantFrom('VIEWER', 'ANALYST', 'ADMIN');
    const tier = fc.constantFrom('FREE', 'PREMIUM');
    const action: fc.Arbitrary<Action> = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), role, tier }),
      fc.record({ kind: fc.constant('update' as const), role, tier }),
      fc.record({ kind: fc.constant('disable' as const) }),
      fc.record({ kind: fc.constant('enable' as const) }),
      fc.record({
        kind: fc.constant('key' as const),
        role,
        name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
      }),
      fc.record({ kind: fc.constant('revoke' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(action, async (act) => {
        const before = Date.now();
        let targetId: string;
        let expected: { action: string; details: Record<string, unknown> };
        if (act.kind === 'create') {
          const user = await newUser(act.role, act.tier);
          targetId = user.id;
          expected = {
            action: 'user.create',
            details: {
              email: user.email,
              role: act.role.toLowerCase(),
              tier: act.tier.toLowerCase(),
            },
          };
        } else if (act.kind === 'key' || act.kind === 'revoke') {
          const name = act.kind === 'key' ? act.name : 'to revoke';
          const key = data<{ createApiKey: { apiKey: { id: string; prefix: string } } }>(
            await gql(
              `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id prefix } } }`,
              { input: { name, role: act.kind === 'key' ? act.role : 'VIEWER' } },
            ),
          ).createApiKey.apiKey;
          targetId = key.id;
          expected = {
            action: 'api_key.create',
            details: { name: name.trim(), prefix: key.prefix },
          };
          if (act.kind === 'revoke') {
            data(await gql(`mutation { revokeApiKey(id: "${key.id}") { revokedAt } }`));
            expected = { action: 'api_key.revoke', details: { name, prefix: key.prefix } };
          }
        } else {
          const user = await newUser('ANALYST', 'FREE');
          targetId = user.id;
          if (act.kind === 'update') {
            data(
              await gql(
                `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`,
                {
                  id: user.id,
                  input: { role: act.role, tier: act.tier },
                },
              ),
            );
            const changes: Record<string, unknown> = {};
            if (act.role !== 'ANALYST')
              changes.role = { from: 'analyst', to: act.role.toLowerCase() };
            if (act.tier !== 'FREE') changes.tier = { from: 'free', to: act.tier.toLowerCase() };
            expected = Object.keys(changes).length
              ? { action: 'user.update', details: { email: user.email, changes } }
              : { action: 'user.create', details: { email: user.email } };
          } else {
            data(await gql(`mutation { disableUser(id: "${user.id}") { id } }`));
            if (act.kind === 'enable')
              data(await gql(`mutation { enableUser(id: "${user.id}") { id } }`));
            expected = {
              action: act.kind === 'enable' ? 'user.enable' : 'user.disable',
              details: { email: user.email },
            };
          }
        }
        const [latest] = await auditOf(targetId);
        expect(latest).toMatchObject({
          action: expected.action,
          actor: { id: admin.id },
          targetId,
        });
        expect(JSON.parse(latest!.details)).toMatchObject(expected.details);
        expect(new Date(latest!.at).getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(latest!.details).not.toContain(password);
      }),
      { numRuns: 15 },
    );
  });

  it('the audit trail is append-only for the service role: UPDATE, DELETE and TRUNCATE fail', async () => {
    const user = await newUser();
    const [event] = await auditOf(user.id);
    for (const statement of [
      `UPDATE identity.audit_events SET action = 'user.nothing' WHERE id = '${event!.id}'`,
      `DELETE FROM identity.audit_events WHERE id = '${event!.id}'`,
      'TRUNCATE identity.audit_events',
    ]) {
      await expect(server.deps.pool.query(statement)).rejects.toThrow(
        /permission denied|append-only/,
      );
    }
    expect((await auditOf(user.id))[0]).toEqual(event);
  });

  it('filters and pages the audit trail', async () => {
    const user = await newUser();
    await gql(`mutation { updateUser(id: "${user.id}", input: { tier: PREMIUM }) { id } }`);
    await gql(`mutation { disableUser(id: "${user.id}") { id } }`);
    const page1 = data<{
      auditEvents: {
        edges: { node: AuditNode }[];
        pageInfo: { endCursor: string; hasNextPage: boolean };
      };
    }>(await gql(AUDIT, { filter: { targetId: user.id }, first: 2 })).auditEvents;
    expect(page1.edges.map((e) => e.node.action)).toEqual(['user.disable', 'user.update']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = data<{ auditEvents: { edges: { node: AuditNode }[] } }>(
      await gql(AUDIT, {
        filter: { targetId: user.id },
        first: 2,
        after: page1.pageInfo.endCursor,
      }),
    ).auditEvents;
    expect(page2.edges.map((e) => e.node.action)).toEqual(['user.create']);
    const byAction = data<{ auditEvents: { edges: { node: AuditNode }[] } }>(
      await gql(AUDIT, { filter: { action: 'user.disable', actorId: admin.id }, first: 100 }),
    ).auditEvents.edges;
    expect(byAction.length).toBeGreaterThan(0);
    expect(byAction.every((e) => e.node.action === 'user.disable')).toBe(true);
  });

  it('bad input: a hostile filter, a short password, a duplicate email, a malformed id, disabling oneself', async () => {
    for (const [variables, message] of [
      [{ filter: { action: "x'; DROP TABLE identity.users; --" } }, /look like `user.create`/],
      [{ filter: { actorId: 'not-a-uuid' } }, /must be a UUID/],
      [{ filter: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, /before `to`/],
      [{ first: 1000 }, /between 1 and 100/],
    ] as const) {
      const body = await gql(AUDIT, variables);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toMatch(message);
    }
    const short = await gql(CREATE, {
      input: { email: 'short@example.test', password: 'short', role: 'VIEWER', tier: 'FREE' },
    });
    expect(short.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/12 to 256/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const duplicate = await gql(CREATE, {
      input: { email: admin.email.toUpperCase(), password, role: 'VIEWER', tier: 'FREE' },
    });
    expect(duplicate.errors?.[0]?.message).toMatch(/already exists/);
    const malformed = await gql(`mutation { disableUser(id: "1 OR 1=1") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const self = await gql(`mutation { disableUser(id: "${admin.id}") { id } }`);
    expect(self.errors?.[0]?.message).toMatch(/your own account/);
  });
});
