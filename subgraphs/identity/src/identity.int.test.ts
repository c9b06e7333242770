/**
 * Signing in against the real PostgreSQL, over HTTP: tokens that verify against the published
 * JWKS and last exactly 24 hours, one answer for every wrong credential, and `me`.
 *
 * Feature: ai-analytics-platform, Property 38: JWT token validity period — for any successful
 * login, the token is valid for exactly 24 hours from issuance.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { hashPassword } from '@platform/runtime';
import { migrate } from '../../../scripts/migrate.mjs';
import { DATABASE_URL, postGraphQL, type GraphQLBody } from '../../runtime/test/graphql';
import { JWKS_PATH, start } from './index';

let server: Awaited<ReturnType<typeof start>>;
const keysDir = mkdtempSync(join(tmpdir(), 'identity-keys-'));
const password = 'correct horse battery staple';
const alice = { id: randomUUID(), email: `alice-${randomUUID().slice(0, 8)}@example.com` };
const bob = { id: randomUUID(), email: `bob-${randomUUID().slice(0, 8)}@example.com` };

const gql = (query: string, variables?: Record<string, unknown>, token?: string) =>
  token === undefined
    ? postGraphQL(server.url, query, variables)
    : fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<GraphQLBody>);

const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt user { id email role tier lastLoginAt } }
}`;

function expectCode(body: GraphQLBody, code: string, message?: RegExp) {
  expect(body.errors?.[0]?.extensions?.code).toBe(code);
  if (message) expect(body.errors?.[0]?.message).toMatch(message);
  expect(JSON.stringify(body)).not.toMatch(/\bat \S+ \(|node_modules|scrypt\$/);
}

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
  const hash = await hashPassword(password);
  await server.deps.pool.query(
    `INSERT INTO identity.users (id, email, role, tier, password_hash) VALUES
       ($1, $2, 'analyst', 'premium', $5), ($3, $4, 'viewer', 'free', $5)`,
    [alice.id, alice.email, bob.id, bob.email, hash],
  );
});

afterAll(async () => {
  await server?.deps.pool.query('DELETE FROM identity.users WHERE id = ANY($1::uuid[])', [
    [alice.id, bob.id],
  ]);
  await server?.close();
  rmSync(keysDir, { recursive: true, force: true });
});

describe('identity: sign-in', () => {
  it('login returns a token that verifies against the published JWKS, valid exactly 24 hours', async () => {
    const body = await gql(LOGIN, { email: `  ${alice.email.toUpperCase()} `, password });
    expect(body.errors).toBeUndefined();
    const session = (
      body.data as { login: { token: string; expiresAt: string; user: Record<string, unknown> } }
    ).login;
    expect(session.user).toMatchObject({
      id: alice.id,
      email: alice.email,
      role: 'ANALYST',
      tier: 'PREMIUM',
    });
    expect(session.user.lastLoginAt).not.toBeNull();

    const jwks = createRemoteJWKSet(new URL(JWKS_PATH, server.url));
    const { payload, protectedHeader } = await jwtVerify(session.token, jwks, {
      algorithms: ['RS256'],
      issuer: 'ai-analytics-platform/identity',
      audience: 'ai-analytics-platform',
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(payload).toMatchObject({ sub: alice.id, role: 'analyst', tier: 'premium' });
    expect(payload.exp! - payload.iat!).toBe(24 * 60 * 60);
    expect(new Date(session.expiresAt).getTime()).toBe(payload.exp! * 1000);
    expect(decodeProtectedHeader(session.token).kid).toBe(protectedHeader.kid);
  });

  it('the JWKS document has public keys only', async () => {
    const jwks = (await (await fetch(new URL(JWKS_PATH, server.url))).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(key).not.toHaveProperty(secret);
    }
  });

  it('a wrong password, an unknown email and a disabled account get the same answer', async () => {
    const wrong = await gql(LOGIN, { email: alice.email, password: 'not it' });
    const unknown = await gql(LOGIN, { email: `nobody-${randomUUID()}@example.com`, password });
    await server.deps.pool.query('UPDATE identity.users SET disabled_at = now() WHERE id = $1', [
      bob.id,
    ]);
    const disabled = await gql(LOGIN, { email: bob.email, password });
    await server.deps.pool.query('UPDATE identity.users SET disabled_at = NULL WHERE id = $1', [
      bob.id,
    ]);
    for (const body of [wrong, unknown, disabled]) {
      expectCode(body, 'UNAUTHENTICATED', /^Email or password is wrong\.$/);
      expect(body.data).toBeNull();
    }
  });

  it('a malformed email or an oversized password is BAD_USER_INPUT, before any lookup', async () => {
    expectCode(
      await gql(LOGIN, { email: 'not-an-email', password }),
      'BAD_USER_INPUT',
      /valid email/,
    );
    expectCode(await gql(LOGIN, { email: `${'a'.repeat(300)}@x.io`, password }), 'BAD_USER_INPUT');
    expectCode(
      await gql(LOGIN, { email: alice.email, password: 'p'.repeat(5000) }),
      'BAD_USER_INPUT',
      /1 to 256/,
    );
    expectCode(await gql(LOGIN, { email: alice.email, password: '' }), 'BAD_USER_INPUT');
  });

  it('me: the signed-in user with a token; UNAUTHENTICATED without, with garbage, or once disabled', async () => {
    const login = await gql(LOGIN, { email: bob.email, password });
    const token = (login.data as { login: { token: string } }).login.token;
    const me = await gql('{ me { id email role } }', undefined, token);
    expect(me).toEqual({ data: { me: { id: bob.id, email: bob.email, role: 'VIEWER' } } });

    expectCode(await gql('{ me { id } }'), 'UNAUTHENTICATED', /Sign in/);
    expectCode(await gql('{ me { id } }', undefined, 'garbage.token.here'), 'UNAUTHENTICATED');
    expectCode(await gql('{ me { id } }', undefined, `${token}x`), 'UNAUTHENTICATED');

    await server.deps.pool.query('UPDATE identity.users SET disabled_at = now() WHERE id = $1', [
      bob.id,
    ]);
    expectCode(await gql('{ me { id } }', undefined, token), 'UNAUTHENTICATED', /not active/);
    await server.deps.pool.query('UPDATE identity.users SET disabled_at = NULL WHERE id = $1', [
      bob.id,
    ]);
  });

  it('the key set generated on first start is reused by the next start', async () => {
    const again = await start(
      {
        ...process.env,
        DATABASE_URL,
        IDENTITY_PORT: '0',
        LOG_LEVEL: 'silent',
        AUTH_KEYS_DIR: keysDir,
      },
      false,
    );
    try {
      const first = await (await fetch(new URL(JWKS_PATH, server.url))).json();
      const second = await (await fetch(new URL(JWKS_PATH, again.url))).json();
      expect(second).toEqual(first);
    } finally {
      await again.close();
    }
  });
});
