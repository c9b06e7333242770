/**
 * Helpers for tests that talk to a running subgraph over HTTP, as the gateway does. Outside `src/`
 * so they are never part of a service build.
 */
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
): Promise<GraphQLBody> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
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
