/**
 * The gateway process: Apollo Server over Apollo Gateway for queries and mutations, graphql-ws for
 * subscriptions fed by one shared Kafka consumer, the app on `/`, and `/metrics`, `/healthz`,
 * `/readyz`. `startGateway` returns handles for tests and for shutdown.
 */
import { createServer, type Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  API_KEY_TOKEN_PATH,
  AppError,
  ErrorCode,
  SUBGRAPHS,
  createHttpApp,
  createKafka,
  createMetrics,
  createRateLimiter,
  createRedis,
  defaultSubgraphUrl,
  currentRequestId,
  errorLoggingPlugin,
  internalErrorHandler,
  jwksUrl,
  listen,
  metricsPlugin,
  parseAuthorization,
  remoteKeys,
  sendError,
  toClientError,
  tokenVerifier,
  cachedVerifier,
  type Logger,
} from '@platform/runtime';
import { apiKeyExchange } from './auth/api-keys';
import { authenticator } from './auth/authenticate';
import { guardPlugin } from './auth/guard';
import { sessionRoutes } from './auth/session-routes';
import type { GatewayConfig } from './env';
import type { GatewayContext } from './context';
import { createGateway, readSupergraph, subgraphUrls } from './gateway';
import { gatewayArmor } from './hardening';
import { serveApp } from './static-app';
import { SubscriptionBus } from './subscriptions/bus';
import { subscriptionTopics } from './subscriptions/fields';
import { buildSubscriptionSchema } from './subscriptions/schema';
import { attachWebSocket } from './websocket';

export interface RunningGateway {
  url: string;
  port: number;
  bus: SubscriptionBus;
  close(): Promise<void>;
}

/** Subscriptions go over WebSocket; over HTTP they get a clear 400 rather than a planner error. */
const subscriptionsOverHttpPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation(ctx) {
        if (ctx.operation?.operation === 'subscription') {
          throw new AppError(
            ErrorCode.BAD_USER_INPUT,
            'Subscriptions are served over WebSocket (graphql-ws protocol) at /graphql, not over HTTP.',
            { httpStatus: 400 },
          );
        }
      },
    };
  },
};

async function subgraphsReachable(config: GatewayConfig): Promise<void> {
  const overrides = subgraphUrls(config);
  await Promise.all(
    SUBGRAPHS.map(async ({ name }) => {
      const url = new URL(overrides[name] ?? defaultSubgraphUrl(name));
      const response = await fetch(new URL('/healthz', url), {
        signal: AbortSignal.timeout(1_500),
      });
      if (!response.ok) throw new Error(`${name} answered ${response.status}`);
    }),
  );
}

export interface GatewayOptions {
  /**
   * Benchmarks only: serve without authentication and rate limiting, to measure what they add.
   * Not reachable from configuration.
   */
  unguarded?: boolean;
}

export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const supergraphSdl = readSupergraph(config.SUPERGRAPH_PATH);
  const metrics = createMetrics('gateway');
  const kafka = createKafka('gateway', config.KAFKA_BROKERS, logger);
  const bus = new SubscriptionBus(kafka, subscriptionTopics, logger);

  const redis = createRedis(config.REDIS_URL, logger);
  await redis.connect().catch((error: unknown) => {
    logger.warn({ err: error }, 'Redis unreachable at start; rate limits degrade until it is back');
  });
  const limiter = createRateLimiter({
    redis,
    logger,
    registry: metrics.registry,
    prefix: config.RATE_LIMIT_PREFIX,
  });
  const identityUrl = config.IDENTITY_URL ?? defaultSubgraphUrl('identity');
  const verify = cachedVerifier(
    tokenVerifier(remoteKeys(jwksUrl(config)), {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    }),
  );
  const authenticate = authenticator({
    verify,
    exchange: apiKeyExchange({
      url: new URL(API_KEY_TOKEN_PATH, identityUrl).href,
      verify,
      timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    }),
  });

  const app = createHttpApp({
    logger,
    metrics,
    checks: {
      kafka: async () => {
        if (!bus.ready) throw new Error('consumer not in its group');
      },
      subgraphs: () => subgraphsReachable(config),
    },
  });
  const httpServer: Server = createServer(app);

  const armor = gatewayArmor(config);
  const apollo = new ApolloServer<GatewayContext>({
    gateway: createGateway(config, supergraphSdl, logger),
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: armor.validationRules,
    introspection: config.GRAPHQL_INTROSPECTION ?? config.NODE_ENV !== 'production',
    includeStacktraceInErrorResponses: false,
    // Our shutdown owns SIGTERM/SIGINT and closes things in order; Apollo's own handler would
    // stop the server early and re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: (formatted) => toClientError(formatted, currentRequestId()),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      metricsPlugin(metrics),
      errorLoggingPlugin(logger),
      subscriptionsOverHttpPlugin,
      ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]),
      ...(options.unguarded
        ? []
        : [
            guardPlugin({
              limiter,
              registry: metrics.registry,
              limits: {
                operationsPerHour: config.RATE_LIMIT_OPERATIONS_PER_HOUR,
                loginPerAccount: config.LOGIN_LIMIT_PER_ACCOUNT,
                loginPerAddress: config.LOGIN_LIMIT_PER_ADDRESS,
                loginWindowSeconds: config.LOGIN_LIMIT_WINDOW_SECONDS,
              },
            }),
          ]),
    ],
  });
  await apollo.start();

  const schema = buildSubscriptionSchema(supergraphSdl, {
    bus,
    logger,
    execute: async (document, variables, context) => {
      const response = await apollo.executeOperation(
        { query: document, variables },
        { contextValue: context as GatewayContext },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      return response.body.singleResult as never;
    },
  });
  const ws = attachWebSocket({
    httpServer,
    schema,
    logger,
    registry: metrics.registry,
    maxSubscriptionsPerConnection: config.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    validationRules: armor.validationRules,
    activeSubscriptions: () => bus.size,
    authenticate,
  });

  sessionRoutes(app, {
    apollo,
    redis,
    verify,
    secureCookie: config.SESSION_COOKIE_SECURE ?? config.NODE_ENV === 'production',
    logger,
  });
  app.use(
    '/graphql',
    armor.tokenLimit,
    // Credentials are checked before Apollo parses anything: wrong ones never reach a subgraph.
    async (req, res, next) => {
      if (options.unguarded) {
        // Forward the caller's bearer token unverified: the subgraphs still check it.
        const credentials = parseAuthorization(req.headers.authorization);
        if (credentials.kind === 'token') {
          res.locals.auth = { token: credentials.token, via: 'bearer' };
        }
        return next();
      }
      try {
        res.locals.auth = await authenticate(req, req.requestId);
        next();
      } catch (error) {
        if (error instanceof AppError) sendError(req, res, error);
        else next(error);
      }
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => ({
        requestId: req.requestId,
        auth: res.locals.auth as GatewayContext['auth'],
        clientAddress: req.socket.remoteAddress ?? '',
      }),
    }),
  );
  serveApp(app, config.CLIENT_DIST, logger);
  app.use(internalErrorHandler(logger));

  await listen(httpServer, config.GATEWAY_PORT, config.HOST);
  // The consumer joins in the background (retrying while Kafka is down); /readyz says when.
  bus.startInBackground();

  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.GATEWAY_PORT;
  const url = `http://${config.HOST}:${port}`;
  logger.info({ url }, 'gateway listening');
  return {
    url,
    port,
    bus,
    close: async () => {
      await ws.close();
      await apollo.stop();
      await bus.stop();
      redis.disconnect();
    },
  };
}
