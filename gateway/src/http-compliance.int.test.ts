/**
 * The graphql-http server audit suite against the gateway: every MUST audit passes. Introspection
 * is on in this test's configuration (some audits query `__typename`/schema). The audits run as a
 * signed-in user, as every real client does.
 */
import { serverAudits } from 'graphql-http';
import { startPlatform, type TestPlatform } from '../test/platform';

let platform: TestPlatform;
let auth: Record<string, string>;

beforeAll(async () => {
  platform = await startPlatform({ GRAPHQL_INTROSPECTION: 'true' });
  auth = await platform.authHeaders('viewer');
});
afterAll(() => platform?.stop());

describe('GraphQL over HTTP compliance (graphql-http audits)', () => {
  const audits = serverAudits({
    url: () => platform.graphqlUrl,
    fetchFn: (input: string | URL | Request, init?: RequestInit) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...auth } }),
  });
  const must = audits.filter((audit) => audit.name.startsWith('MUST'));

  it('has MUST audits to run', () => {
    expect(must.length).toBeGreaterThan(10);
  });

  it.each(must.map((audit) => [audit.id, audit.name, audit] as const))(
    '%s %s',
    async (_id, _name, audit) => {
      const result = await audit.fn();
      if (result.status !== 'ok') {
        throw new Error(
          `${result.reason}${'response' in result ? `\n${await result.response.text()}` : ''}`,
        );
      }
    },
  );
});
