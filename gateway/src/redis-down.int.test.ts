/**
 * The gateway with Redis unreachable: documented behaviour. Queries go through (counted in
 * `rate_limit_degraded_total` and logged); mutations and sign-in are refused with 503
 * UPSTREAM_UNAVAILABLE, because revocation and limits cannot be checked.
 */
import { post, startPlatform, type TestPlatform } from '../test/platform';

let platform: TestPlatform;
let headers: Record<string, string>;

beforeAll(async () => {
  // identity keeps its Redis (sign-in itself works); only the gateway's is unreachable.
  platform = await startPlatform({ GATEWAY_REDIS_URL: 'redis://127.0.0.1:1' });
  const user = await platform.createUser('admin');
  headers = {
    authorization: `Bearer ${await platform.issue({ userId: user.id, role: 'admin', tier: 'free' })}`,
  };
});
afterAll(() => platform?.stop());

describe('gateway with Redis down', () => {
  it('queries fail open, with a metric', async () => {
    const { status, body } = await post(platform.graphqlUrl, { query: '{ me { id } }' }, headers);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const metrics = await (await fetch(`${platform.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/rate_limit_degraded_total\{[^}]*outcome="allowed"[^}]*\} [1-9]/);
  });

  it('mutations and sign-in fail closed: 503 UPSTREAM_UNAVAILABLE', async () => {
    for (const query of [
      'mutation { disableUser(id: "00000000-0000-4000-8000-000000000000") { id } }',
      'mutation { login(email: "a@example.test", password: "x") { token } }',
    ]) {
      const { status, body } = await post(
        platform.graphqlUrl,
        { query },
        query.includes('login') ? {} : headers,
      );
      expect(status).toBe(503);
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    }
  });
});
