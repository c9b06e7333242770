/**
 * Starts the whole federated API in this process for integration tests: the seven subgraphs on
 * random ports against the real local PostgreSQL, then the gateway pointed at them with a real
 * Kafka consumer. Each test file gets its own instances; `stop()` closes everything.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  createLogger,
  hashPassword,
  issueToken,
  localKeySet,
  type Principal,
  urlVariable,
  SUBGRAPHS,
  type Role,
  type SubgraphName,
  type Tier,
} from '@platform/runtime';
import { migrate } from '../../scripts/migrate.mjs';
import { start as identity } from '../../subgraphs/identity/src/index';
import { start as ingestion } from '../../subgraphs/ingestion/src/index';
import { start as quality } from '../../subgraphs/quality/src/index';
import { start as query } from '../../subgraphs/query/src/index';
import { start as ml } from '../../subgraphs/ml/src/index';
import { start as insights } from '../../subgraphs/insights/src/index';
import { start as dashboards } from '../../subgraphs/dashboards/src/index';
import { loadGatewayConfig } from '../src/env';
import { startGateway, type RunningGateway } from '../src/server';
import { eventually, localStackEnv } from '../../subgraphs/runtime/test/local-stack';

const starters: Record<
  SubgraphName,
  (
    env: Record<string, string | undefined>,
    exit: boolean,
  ) => Promise<{ url: string; close(): Promise<void> }>
> = { identity, ingestion, quality, query, ml, insights, dashboards };

export const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  tier: Tier;
}

export interface TestPlatform {
  gateway: RunningGateway;
  graphqlUrl: string;
  wsUrl: string;
  /** identity's JWKS document. */
  jwksUrl: string;
  /** A new enabled user, written to PostgreSQL (delete with `stop`). */
  createUser(role?: Role, tier?: Tier): Promise<TestUser>;
  /** Signs in through the gateway's `login`: the access token. */
  login(user: Pick<TestUser, 'email' | 'password'>): Promise<string>;
  /** A token signed with the platform's own key (for expired, disabled-user... cases). */
  issue(principal: Principal, issuedAt?: number, lifetime?: number): Promise<string>;
  /** `{ authorization: 'Bearer <token>' }` of a new user with this role. */
  authHeaders(role?: Role, tier?: Tier): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

export async function startPlatform(
  env: Record<string, string | undefined> = {},
): Promise<TestPlatform> {
  await migrate(DATABASE_URL, { quiet: true });
  const keysDir = mkdtempSync(join(tmpdir(), 'platform-keys-'));
  const base = {
    ...localStackEnv(),
    LOG_LEVEL: 'silent',
    DATABASE_URL,
    AUTH_KEYS_DIR: keysDir,
    // Each platform counts in its own keys, so runs and files do not share limits.
    RATE_LIMIT_PREFIX: `rl-test-${randomUUID().slice(0, 8)}`,
    // Its own consumer groups: no other stack on this Kafka takes its events.
    KAFKA_GROUP_PREFIX: `test-${randomUUID().slice(0, 8)}-`,
    LOGIN_LIMIT_PER_ADDRESS: '10000',
    ...env,
  };
  // identity first: the others fetch its JWKS to verify tokens.
  const identityServer = await identity({ ...base, IDENTITY_PORT: '0' }, false);
  const withIdentity = { ...base, IDENTITY_URL: identityServer.url };
  const subgraphs = [
    { name: 'identity' as SubgraphName, server: identityServer },
    ...(await Promise.all(
      SUBGRAPHS.filter(({ name }) => name !== 'identity').map(async ({ name }) => {
        const server = await starters[name](
          { ...withIdentity, [`${name.toUpperCase()}_PORT`]: '0' },
          false,
        );
        return { name, server };
      }),
    )),
  ];
  const urls = Object.fromEntries(
    subgraphs.map(({ name, server }) => [urlVariable(name), server.url]),
  );
  const config = loadGatewayConfig({
    ...base,
    ...urls,
    GATEWAY_PORT: '0',
    CLIENT_DIST: '/nonexistent',
    // A Redis for the gateway alone (tests of the gateway with Redis down).
    ...(env.GATEWAY_REDIS_URL ? { REDIS_URL: env.GATEWAY_REDIS_URL } : {}),
  });
  const gateway = await startGateway(config, createLogger('gateway', config.LOG_LEVEL));
  const graphqlUrl = `${gateway.url}/graphql`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const created: string[] = [];

  const createUser = async (role: Role = 'analyst', tier: Tier = 'free'): Promise<TestUser> => {
    passwordHash ??= hashPassword(TEST_PASSWORD);
    const user = {
      id: randomUUID(),
      email: `${role}-${randomUUID().slice(0, 8)}@example.test`,
      password: TEST_PASSWORD,
      role,
      tier,
    };
    await pool.query(
      `INSERT INTO identity.users (id, email, role, tier, password_hash) VALUES ($1, $2, $3, $4, $5)`,
      [user.id, user.email, role, tier, await passwordHash],
    );
    created.push(user.id);
    return user;
  };
  const login = async (user: Pick<TestUser, 'email' | 'password'>) => {
    const { body } = await post(graphqlUrl, {
      query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
      variables: { e: user.email, p: user.password },
    });
    const token = (body.data as { login?: { token: string } } | null)?.login?.token;
    if (!token) throw new Error(`login failed: ${JSON.stringify(body.errors)}`);
    return token;
  };
  return {
    gateway,
    graphqlUrl,
    wsUrl: `${gateway.url.replace('http', 'ws')}/graphql`,
    jwksUrl: new URL('/.well-known/jwks.json', identityServer.url).href,
    createUser,
    login,
    issue: async (principal, issuedAt, lifetime) =>
      (
        await issueToken(
          principal,
          await localKeySet(keysDir),
          {
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
          },
          issuedAt,
          lifetime,
        )
      ).token,
    authHeaders: async (role, tier) => ({
      authorization: `Bearer ${await login(await createUser(role, tier))}`,
    }),
    stop: async () => {
      await gateway.close();
      await Promise.all(subgraphs.map(({ server }) => server.close()));
      if (created.length > 0) {
        await pool.query('DELETE FROM identity.api_keys WHERE created_by = ANY($1::uuid[])', [
          created,
        ]);
        await pool.query('DELETE FROM identity.users WHERE id = ANY($1::uuid[])', [created]);
      }
      await pool.end();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

/** POSTs a GraphQL operation as the app does; returns status and parsed body. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** Polls `condition` until true or the time runs out (then throws with `what`). */
export { eventually };
