/**
 * Apollo Gateway over the static, checked-in supergraph: no runtime introspection of subgraphs.
 * Each subgraph's URL comes from the supergraph unless `<NAME>_URL` overrides it; every subgraph
 * request carries the caller's request id and access token.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import nodeFetch from 'node-fetch';
import { REQUEST_ID_HEADER, SUBGRAPHS, urlVariable, type Logger } from '@platform/runtime';
import type { GatewayConfig } from './env';
import type { GatewayContext } from './context';

export function subgraphUrls(config: GatewayConfig): Record<string, string | undefined> {
  const env = config as unknown as Record<string, string | undefined>;
  return Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, env[urlVariable(name)]]));
}

export function createGateway(config: GatewayConfig, supergraphSdl: string, logger: Logger) {
  const overrides = subgraphUrls(config);
  const log = logger.child({ source: 'gateway' });
  // node-fetch over a keep-alive agent: connections to the subgraphs are reused, and a request
  // costs about a quarter of the CPU of Node's own fetch (undici with web streams and an abort
  // signal), which is most of what the gateway adds to a call under load. Each subgraph request
  // is bounded by SUBGRAPH_TIMEOUT_MS.
  const agent = new Agent({ keepAlive: true });
  const fetcher: Fetcher = (input, init) =>
    nodeFetch(input, { ...init, agent, timeout: config.SUBGRAPH_TIMEOUT_MS });
  return new ApolloGateway({
    supergraphSdl,
    logger: {
      debug: (m) => log.debug(m),
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url: overrides[name] ?? url,
        fetcher,
        willSendRequest({ request, context }) {
          if (context.requestId) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
          // Whatever the caller presented (cookie, bearer token, API key), subgraphs get a bearer token.
          if (context.auth)
            request.http?.headers.set('authorization', `Bearer ${context.auth.token}`);
        },
      }),
  });
}

export function readSupergraph(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the supergraph at ${path} (run \`npm run compose\`)`, {
      cause: error,
    });
  }
}
