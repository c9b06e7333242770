/**
 * Helpers for tests that talk to a running subgraph over HTTP, as the gateway does. Outside `src/`
 * so they are never part of a service build.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  generateSigningJwk,
  issueToken,
  keySetFrom,
  publicJwks,
  type Principal,
} from '../src/auth';
export const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A JSON POST of one operation to `url` (CSRF prevention accepts JSON posts). */
export async function postGraphQL(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<GraphQLBody> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLBody;
}

/** The first error is BAD_USER_INPUT with a readable message, a request id and no stack trace. */
export function expectBadInput(body: GraphQLBody, message: RegExp): void {
  const [error] = body.errors ?? [];
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error?.message).toMatch(message);
  expect(error?.extensions).toHaveProperty('requestId');
  expect(JSON.stringify(body)).not.toMatch(/\bat \S+ \(|\bat \/|node_modules|stacktrace/i);
}

/**
 * A stand-in for identity's key set in tests of other subgraphs: a fresh RS256 key, its JWKS served
 * on a loopback port (the subgraph fetches it as it does identity's), and tokens signed with it.
 */
export interface TestIssuer {
  /** Environment for the subgraph under test: where its JWKS is. */
  env: Record<string, string>;
  token(principal?: Partial<Principal>): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const keys = await keySetFrom({ signer: 'test', keys: [await generateSigningJwk('test')] });
  const jwks = JSON.stringify(publicJwks(keys));
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const options = { issuer: 'test-issuer', audience: 'test-audience' };
  return {
    env: {
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      AUTH_ISSUER: options.issuer,
      AUTH_AUDIENCE: options.audience,
    },
    token: async (principal = {}) =>
      (
        await issueToken(
          { userId: randomUUID(), role: 'viewer', tier: 'free', ...principal },
          keys,
          options,
        )
      ).token,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
