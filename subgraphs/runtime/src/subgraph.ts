/**
 * Starts one federated subgraph: its SDL and resolvers built with `buildSubgraphSchema`, served by
 * Apollo Server on the shared HTTP shell, with metrics, the platform's error format and logging of
 * every unexpected error with its request id and stack (Property 47).
 */
import { createServer, type Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { applyPolicy, type Policy } from './auth/policy';
import { lazyPrincipal } from './auth/credentials';
import type { VerifiedToken, VerifyToken } from './auth/tokens';
import type { Logger } from './logger';
import { metricsPlugin, type Metrics } from './metrics';
import { createHttpApp, internalErrorHandler } from './http';
import type { HealthChecks } from './health';
import { toClientError } from './errors';
import { currentRequestId } from './request-context';

export interface RequestBase {
  requestId: string;
  logger: Logger;
  /** The caller's `authorization` header (the gateway forwards it), unverified. */
  authorization?: string | undefined;
  /** The verified caller (verified on first use); UNAUTHENTICATED without a valid token. */
  principal: () => Promise<VerifiedToken>;
}

export interface SubgraphOptions<C extends RequestBase> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<C>;
  host: string;
  port: number;
  logger: Logger;
  metrics: Metrics;
  checks: HealthChecks;
  createContext: (base: RequestBase) => C | Promise<C>;
  /** Who may call which field (every root field needs a rule). */
  policy: Policy;
  /** Verifies the forwarded access tokens. */
  verify: VerifyToken;
  /** For the policy's per-field limits. */
  redis?: Redis | undefined;
  introspection?: boolean;
  /** Extra HTTP routes of this service (e.g. identity's JWKS document). */
  routes?: (app: Express) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Logs each error that is not one of our expected codes, with its stack and the request id. */
export function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors(ctx) {
          for (const error of ctx.errors) {
            const code = error.extensions?.code;
            const expected =
              typeof code === 'string' && code !== 'INTERNAL' && code !== 'INTERNAL_SERVER_ERROR';
            const fields = {
              requestId: currentRequestId(),
              operation: ctx.operationName,
              path: error.path,
              code,
            };
            if (expected) logger.info(fields, error.message);
            else logger.error({ ...fields, err: error.originalError ?? error }, 'unexpected error');
          }
        },
      };
    },
  };
}

export async function startSubgraph<C extends RequestBase>(
  options: SubgraphOptions<C>,
): Promise<RunningServer> {
  const { logger, metrics } = options;
  const schema = applyPolicy(
    buildSubgraphSchema({
      typeDefs: options.typeDefs,
      resolvers: options.resolvers as GraphQLResolverMap<unknown>,
    }),
    options.policy,
    { redis: options.redis, logger },
  );
  const server = new ApolloServer<C>({
    schema,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    // Our shutdown owns SIGTERM/SIGINT and closes things in order; Apollo's own handler would
    // stop the server early and re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: (formatted) => toClientError(formatted, currentRequestId()),
    plugins: [
      // Federated traces are for Apollo Studio, which this platform does not use.
      ApolloServerPluginInlineTraceDisabled(),
      metricsPlugin(metrics),
      errorLoggingPlugin(logger) as ApolloServerPlugin<C>,
    ],
  });
  await server.start();

  const app = createHttpApp({ logger, metrics, checks: options.checks });
  options.routes?.(app);
  app.use(
    '/graphql',
    expressMiddleware(server, {
      context: async ({ req }) =>
        options.createContext({
          requestId: req.requestId,
          logger: logger.child({ requestId: req.requestId }),
          authorization: req.headers.authorization,
          principal: lazyPrincipal(req.headers.authorization, options.verify),
        }),
    }),
  );
  app.use(internalErrorHandler(logger));

  const http = await listen(createServer(app), options.port, options.host);
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info({ url }, `${options.name} subgraph listening`);
  return {
    url,
    port,
    close: async () => {
      // Stop accepting first, let in-flight requests finish, then stop Apollo.
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await closed;
      await server.stop();
    },
  };
}

/** Listens, resolving once listening and rejecting on an error such as EADDRINUSE. */
export function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}
