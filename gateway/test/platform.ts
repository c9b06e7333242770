/**
 * Starts the whole federated API in this process for integration tests: the seven subgraphs on
 * random ports against the real local PostgreSQL, then the gateway pointed at them with a real
 * Kafka consumer. Each test file gets its own instances; `stop()` closes everything.
 */
import { createLogger, urlVariable, SUBGRAPHS, type SubgraphName } from '@platform/runtime';
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

const starters: Record<
  SubgraphName,
  (
    env: Record<string, string | undefined>,
    exit: boolean,
  ) => Promise<{ url: string; close(): Promise<void> }>
> = { identity, ingestion, quality, query, ml, insights, dashboards };

export const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';

export interface TestPlatform {
  gateway: RunningGateway;
  graphqlUrl: string;
  wsUrl: string;
  stop(): Promise<void>;
}

export async function startPlatform(
  env: Record<string, string | undefined> = {},
): Promise<TestPlatform> {
  await migrate(DATABASE_URL, { quiet: true });
  const base = { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL, ...env };
  const subgraphs = await Promise.all(
    SUBGRAPHS.map(async ({ name }) => {
      const server = await starters[name]({ ...base, [`${name.toUpperCase()}_PORT`]: '0' }, false);
      return { name, server };
    }),
  );
  const urls = Object.fromEntries(
    subgraphs.map(({ name, server }) => [urlVariable(name), server.url]),
  );
  const config = loadGatewayConfig({
    ...base,
    ...urls,
    GATEWAY_PORT: '0',
    CLIENT_DIST: '/nonexistent',
  });
  const gateway = await startGateway(config, createLogger('gateway', config.LOG_LEVEL));
  return {
    gateway,
    graphqlUrl: `${gateway.url}/graphql`,
    wsUrl: `${gateway.url.replace('http', 'ws')}/graphql`,
    stop: async () => {
      await gateway.close();
      await Promise.all(subgraphs.map(({ server }) => server.close()));
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
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
