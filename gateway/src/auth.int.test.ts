/**
 * Authentication, revocation and limits at the gateway, against the real identity, PostgreSQL and
 * Redis: bad credentials are refused with 401 before any subgraph is called, admin changes end old
 * tokens at once, API keys work until revoked, roles are enforced, and every operation is counted.
 *
 * Feature: ai-analytics-platform, Property 35: JWT validation — for any request to a protected
 * endpoint, the Platform validates the JWT token before processing the request.
 * Feature: ai-analytics-platform, Property 36: Invalid token rejection — for any invalid or expired
 * JWT token, the Platform returns 401 without processing the request.
 * Feature: ai-analytics-platform, Property 39: Request counting — every operation increments the
 * user's counter in Redis with a 1-hour TTL.
 * Feature: ai-analytics-platform, Property 41: Retry-After header — every 429 says how many seconds
 * remain until the limit resets.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, base64url, exportJWK, generateKeyPair } from 'jose';
import { Redis } from 'ioredis';
import { request } from 'node:http';
import { post, startPlatform, type TestPlatform } from '../test/platform';

const OPERATIONS_PER_HOUR = 40;
const LOGINS_PER_ADDRESS = 60;
let platform: TestPlatform;
let redis: Redis;
let prefix: string;
let subgraphCalls = 0;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  prefix = `rl-auth-${randomUUID().slice(0, 8)}`;
  platform = await startPlatform({
    RATE_LIMIT_PREFIX: prefix,
    RATE_LIMIT_OPERATIONS_PER_HOUR: String(OPERATIONS_PER_HOUR),
    LOGIN_LIMIT_PER_ADDRESS: String(LOGINS_PER_ADDRESS),
  });
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  // Counts the gateway's calls to subgraphs (every fetch to a URL other than the gateway's).
  jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/graphql') && !url.startsWith(platform.gateway.url)) subgraphCalls += 1;
    return realFetch(input, init);
  });
});

afterAll(async () => {
  jest.restoreAllMocks();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await platform?.stop();
});

const ME = { query: '{ me { id email role } }' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** 401 UNAUTHENTICATED in the platform's format, and no subgraph was asked anything. */
async function expectRefusedBeforeSubgraphs(headers: Record<string, string>, body: unknown = ME) {
  const before = subgraphCalls;
  const { status, body: result } = await post(platform.graphqlUrl, body, headers);
  expect(status).toBe(401);
  expect(result.errors?.[0]?.extensions).toMatchObject({
    code: 'UNAUTHENTICATED',
    requestId: expect.any(String),
  });
  expect(JSON.stringify(result)).not.toMatch(/\bat \S+ \(|node_modules|jose|JWS|JWT/);
  expect(subgraphCalls).toBe(before);
}

describe('authentication at the gateway', () => {
  it('a signed-in user gets through; the subgraph sees the same user', async () => {
    const user = await platform.createUser('viewer');
    const { status, body } = await post(
      platform.graphqlUrl,
      ME,
      bearer(await platform.login(user)),
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({ me: { id: user.id, email: user.email, role: 'VIEWER' } });
  });

  it('Property 35: any protected operation without valid credentials is 401 and reaches no subgraph', async () => {
    const attacker = await generateKeyPair('RS256');
    const protectedFields = [
      '{ me { id } }',
      '{ users { edges { node { email } } } }',
      '{ auditEvents { edges { node { action } } } }',
      '{ datasets { edges { node { id } } } }',
      `{ dataset(id: "${randomUUID()}") { name } }`,
      'mutation { disableUser(id: "00000000-0000-4000-8000-000000000000") { id } }',
      'mutation { createApiKey(input: { name: "x", role: ADMIN }) { secret } }',
      '{ __typename me { id } }',
      'mutation { login(email: "a@b.c", password: "x") { token } revokeApiKey(id: "x") { id } }',
    ];
    const credentials = fc.oneof(
      fc.constant({}),
      fc.string({ maxLength: 60 }).map((s) => ({ authorization: `Bearer ${s}x` })),
      fc.string({ minLength: 1, maxLength: 40 }).map((s) => ({ authorization: s })),
      fc
        .string({ maxLength: 40 })
        .map((s) => ({ cookie: `platform_session=${encodeURIComponent(s)}x` })),
      fc.string({ maxLength: 40 }).map((s) => ({ authorization: `ApiKey aap_AAAAAAAA_${s}` })),
      fc.uuid().map(async (sub) => ({
        authorization: `Bearer ${await new SignJWT({ role: 'admin', tier: 'premium' })
          .setProtectedHeader({ alg: 'RS256', kid: 'attacker' })
          .setSubject(sub)
          .setJti(randomUUID())
          .setIssuedAt()
          .setExpirationTime('1h')
          .setIssuer('ai-analytics-platform/identity')
          .setAudience('ai-analytics-platform')
          .sign(attacker.privateKey)}`,
      })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...protectedFields), credentials, async (query, headers) => {
        await expectRefusedBeforeSubgraphs(await headers, { query });
      }),
      { numRuns: 40 },
    );
  });

  describe('hostile tokens are 401 (Property 36)', () => {
    let principal: { userId: string; role: 'admin'; tier: 'premium' };
    let valid: string;
    beforeAll(async () => {
      const admin = await platform.createUser('admin', 'premium');
      principal = { userId: admin.id, role: 'admin', tier: 'premium' };
      valid = await platform.issue(principal);
    });
    const now = () => Math.floor(Date.now() / 1000);
    const parts = (token: string) => token.split('.') as [string, string, string];
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

    it('alg none', async () => {
      const [, payload] = parts(valid);
      await expectRefusedBeforeSubgraphs(bearer(`${encode({ alg: 'none' })}.${payload}.`));
    });

    it('HS256 signed with the public key as the secret', async () => {
      const jwks = (await (await realFetch(platform.jwksUrl)).json()) as {
        keys: { kid: string; n: string }[];
      };
      const [, payload] = parts(valid);
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
      for (const key of jwks.keys) {
        for (const secret of [JSON.stringify(key), key.n]) {
          const token = await new SignJWT(claims)
            .setProtectedHeader({ alg: 'HS256', kid: key.kid })
            .sign(new TextEncoder().encode(secret));
          await expectRefusedBeforeSubgraphs(bearer(token));
        }
      }
    });

    it('unknown and hostile kid; an attacker key in jwk or jku', async () => {
      const attacker = await generateKeyPair('RS256', { extractable: true });
      const claims = { role: 'admin', tier: 'premium', jti: randomUUID() };
      const sign = (header: Record<string, unknown>) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', ...header })
          .setSubject(principal.userId)
          .setIssuedAt()
          .setExpirationTime('1h')
          .setIssuer('ai-analytics-platform/identity')
          .setAudience('ai-analytics-platform')
          .sign(attacker.privateKey);
      for (const header of [
        { kid: 'nope' },
        { kid: '../../etc/passwd' },
        { kid: "' OR 1=1 --" },
        { jwk: await exportJWK(attacker.publicKey) },
        { jku: 'http://127.0.0.1:1/jwks.json', kid: 'x' },
      ]) {
        await expectRefusedBeforeSubgraphs(bearer(await sign(header)));
      }
    });

    it('expired, with the clock tolerance edge; nbf in the future', async () => {
      const t = now();
      // Issued 24 h + 10 s ago: expired 10 s ago, beyond the 5 s tolerance.
      await expectRefusedBeforeSubgraphs(bearer(await platform.issue(principal, t - 86_410)));
      // Expired 2 s ago: within the tolerance, still accepted.
      const edge = await platform.issue(principal, t - 86_398);
      expect((await post(platform.graphqlUrl, ME, bearer(edge))).status).toBe(200);
    });

    it('no exp, wrong aud or iss, edited payload, empty or garbage token', async () => {
      const [header, payload, signature] = parts(valid);
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<
        string,
        unknown
      >;
      const edited = (changes: Record<string, unknown>) =>
        `${header}.${encode({ ...claims, ...changes })}.${signature}`;
      for (const token of [
        edited({ exp: undefined }),
        edited({ aud: 'someone-else' }),
        edited({ iss: 'https://evil.example' }),
        edited({ role: 'admin', sub: randomUUID() }),
        edited({ nbf: now() + 3600 }),
        '',
        'garbage',
        `${valid}x`,
        'a.b.c',
      ]) {
        await expectRefusedBeforeSubgraphs(bearer(token));
      }
    });
  });

  it("a disabled user's still-valid token, and a user's token after a role change, are 401", async () => {
    const adminHeaders = await platform.authHeaders('admin');
    const user = await platform.createUser('analyst');
    const token = await platform.login(user);
    expect((await post(platform.graphqlUrl, ME, bearer(token))).status).toBe(200);

    const promote = await post(
      platform.graphqlUrl,
      { query: `mutation { updateUser(id: "${user.id}", input: { role: VIEWER }) { role } }` },
      adminHeaders,
    );
    expect(promote.body.data).toEqual({ updateUser: { role: 'VIEWER' } });
    await expectRefusedBeforeSubgraphs(bearer(token));

    const fresh = await platform.login(user);
    expect((await post(platform.graphqlUrl, ME, bearer(fresh))).body.data).toMatchObject({
      me: { role: 'VIEWER' },
    });
    const disabled = await post(
      platform.graphqlUrl,
      { query: `mutation { disableUser(id: "${user.id}") { disabledAt } }` },
      adminHeaders,
    );
    expect(disabled.body.errors).toBeUndefined();
    await expectRefusedBeforeSubgraphs(bearer(fresh));
  });

  it('the session cookie: sign-in sets it HttpOnly without the token in the body; sign-out revokes it', async () => {
    const user = await platform.createUser('viewer');
    const signIn = await realFetch(`${platform.gateway.url}/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(signIn.status).toBe(200);
    const setCookie = signIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^platform_session=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Max-Age=86\d\d\d/);
    const body = await signIn.text();
    const cookie = setCookie.split(';')[0]!;
    expect(body).not.toContain(cookie.split('=')[1]);
    expect(JSON.parse(body)).toMatchObject({ user: { id: user.id, role: 'VIEWER' } });

    const me = await post(platform.graphqlUrl, ME, { cookie });
    expect(me.body.data).toMatchObject({ me: { id: user.id } });

    const signOut = await realFetch(`${platform.gateway.url}/auth/session`, {
      method: 'DELETE',
      headers: { cookie },
    });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(/platform_session=;.*Max-Age=0/);
    await expectRefusedBeforeSubgraphs({ cookie });
  });

  it('sign-in errors keep the platform format: wrong password 401, malformed body 400', async () => {
    const wrong = await realFetch(`${platform.gateway.url}/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.test', password: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.json()).toMatchObject({
      errors: [{ message: 'Email or password is wrong.', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    const malformed = await realFetch(`${platform.gateway.url}/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ['x'], password: { $ne: null } }),
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });
});

describe('API keys', () => {
  it('a key works with its own role until it is revoked; the secret is shown once and stored hashed', async () => {
    const adminHeaders = await platform.authHeaders('admin');
    const created = await post(
      platform.graphqlUrl,
      {
        query: `mutation { createApiKey(input: { name: "nightly export", role: VIEWER }) {
          secret apiKey { id name role prefix lastUsedAt revokedAt } } }`,
      },
      adminHeaders,
    );
    const { secret, apiKey } = (
      created.body.data as {
        createApiKey: { secret: string; apiKey: { id: string; prefix: string; role: string } };
      }
    ).createApiKey;
    expect(secret).toMatch(/^aap_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(secret.slice(4, 12)).toBe(apiKey.prefix);
    expect(apiKey.role).toBe('VIEWER');

    const keyHeaders = { authorization: `ApiKey ${secret}` };
    const me = await post(platform.graphqlUrl, ME, keyHeaders);
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ me: { id: expect.any(String) } });
    // A viewer key cannot administer, even though its creator can.
    const escalate = await post(
      platform.graphqlUrl,
      { query: '{ users { edges { node { id } } } }' },
      keyHeaders,
    );
    expect(escalate.status).toBe(403);
    expect(escalate.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const listed = await post(
      platform.graphqlUrl,
      { query: '{ apiKeys(first: 100) { edges { node { id lastUsedAt } } } }' },
      adminHeaders,
    );
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(12));

    const revoked = await post(
      platform.graphqlUrl,
      { query: `mutation { revokeApiKey(id: "${apiKey.id}") { revokedAt } }` },
      adminHeaders,
    );
    expect(revoked.body.errors).toBeUndefined();
    // The gateway had cached the key's token: revocation still takes effect at once.
    await expectRefusedBeforeSubgraphs(keyHeaders);
  });

  it('a malformed or unknown key is 401', async () => {
    await expectRefusedBeforeSubgraphs({ authorization: 'ApiKey nope' });
    await expectRefusedBeforeSubgraphs({ authorization: `ApiKey aap_ZZZZZZZZ_${'a'.repeat(43)}` });
  });
});

describe('roles', () => {
  it('a viewer and an analyst calling admin operations get 403 FORBIDDEN', async () => {
    for (const role of ['viewer', 'analyst'] as const) {
      const headers = await platform.authHeaders(role);
      for (const query of [
        '{ users { edges { node { id } } } }',
        '{ auditEvents { edges { node { id } } } }',
        'mutation { createUser(input: { email: "x@example.test", password: "long enough password", role: ADMIN, tier: PREMIUM }) { id } }',
      ]) {
        const { status, body } = await post(platform.graphqlUrl, { query }, headers);
        expect(status).toBe(403);
        expect(body.data).toBeNull();
        expect(body.errors?.[0]).toMatchObject({
          message: expect.stringMatching(
            new RegExp(`needs the admin role; you are signed in as ${role}`),
          ),
          extensions: { code: 'FORBIDDEN' },
        });
      }
    }
  });
});

describe('rate limits', () => {
  it('Properties 39 and 41: each root field counts (aliases too); over the limit: 429 with Retry-After, before any subgraph', async () => {
    const user = await platform.createUser('viewer');
    const headers = bearer(await platform.login(user));
    const key = `${prefix}:operations:${user.id}`;
    const aliased = `{ ${Array.from({ length: 15 }, (_, i) => `m${i}: me { id }`).join(' ')} }`;
    await post(platform.graphqlUrl, { query: aliased }, headers);
    expect(await redis.get(key)).toBe('15');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
    await post(platform.graphqlUrl, { query: aliased }, headers);
    await post(platform.graphqlUrl, ME, headers);
    expect(await redis.get(key)).toBe('31');

    const before = subgraphCalls;
    const { status, body } = await post(platform.graphqlUrl, { query: aliased }, headers);
    expect(status).toBe(429);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/limit of 40 requests an hour/),
      extensions: { code: 'RATE_LIMITED', details: { limit: OPERATIONS_PER_HOUR } },
    });
    expect(subgraphCalls).toBe(before);
    const response = await realFetch(platform.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(ME),
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
  });

  it('ask and runSql also count against the tier’s query limit (100 an hour free): over it, 429 before the query subgraph', async () => {
    const user = await platform.createUser('analyst');
    const headers = bearer(await platform.login(user));
    const ask = {
      query: `mutation { a: ask(datasetId: "${randomUUID()}", question: "how many rows") { status }
        b: runSql(datasetId: "${randomUUID()}", sql: "SELECT 1") { status } }`,
    };
    const answered = await post(platform.graphqlUrl, ask, headers);
    // The data set does not exist: the query subgraph answered NOT_FOUND (and, the field being
    // non-null, the serial mutation stopped there); the gateway counted both fields.
    expect(answered.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await redis.get(`${prefix}:query:${user.id}`)).toBe('2');
    // As if 98 more questions had been asked this hour.
    await redis.incrby(`${prefix}:query:${user.id}`, 98);
    const before = subgraphCalls;
    const limited = await post(platform.graphqlUrl, ask, headers);
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]).toMatchObject({
      extensions: { code: 'RATE_LIMITED', details: { limit: 100 } },
    });
    expect(subgraphCalls).toBe(before);
  });

  it('an operation that fails to parse or validate still counts once against the caller', async () => {
    const user = await platform.createUser('viewer');
    const headers = bearer(await platform.login(user));
    const key = `${prefix}:operations:${user.id}`;
    const broken = await post(platform.graphqlUrl, { query: '{ me { id ' }, headers);
    expect(broken.status).toBe(400);
    const invalid = await post(
      platform.graphqlUrl,
      { query: '{ a: me { nope } b: me { id } }' },
      headers,
    );
    expect(invalid.status).toBe(400);
    expect(await redis.get(key)).toBe('2');
    await post(platform.graphqlUrl, { query: '{ a: me { id } b: me { id } }' }, headers);
    expect(await redis.get(key)).toBe('4');
  });
  it('sign-in attempts are limited per account (10 / 15 min) whatever the password', async () => {
    const user = await platform.createUser('viewer');
    const attempt = (password: string) =>
      post(platform.graphqlUrl, {
        query:
          'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { expiresAt } }',
        variables: { e: user.email.toUpperCase(), p: password },
      });
    for (let i = 0; i < 10; i += 1) expect((await attempt(`wrong-${i}`)).status).not.toBe(429);
    const limited = await attempt(user.password);
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('sign-in attempts are limited per client address', async () => {
    // From another loopback address: its own counter, untouched by the other tests.
    const attempt = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({
          query: `mutation { login(email: "guess-${i}@example.test", password: "x") { expiresAt } }`,
        });
        const req = request(
          platform.graphqlUrl,
          {
            method: 'POST',
            localAddress: '127.0.0.3',
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    for (let i = 0; i < LOGINS_PER_ADDRESS; i += 1) expect(await attempt(i)).toBe(401);
    expect(await attempt(LOGINS_PER_ADDRESS)).toBe(429);
  });
});
