/**
 * graphql-ws on the same HTTP server and path as queries (`/graphql`). Each connection may hold a
 * bounded number of subscriptions; a closed connection or a `complete` message ends its
 * subscriptions, which releases their bus registrations. Errors use the platform's format.
 */
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import {
  GraphQLError,
  specifiedRules,
  validate,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { Gauge, type Registry } from 'prom-client';
import { ErrorCode, toClientError, type Logger } from '@platform/runtime';
import type { Authenticate, Authenticated } from './auth/authenticate';
import type { GatewayContext } from './context';

export interface WebSocketOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  logger: Logger;
  registry: Registry;
  maxSubscriptionsPerConnection: number;
  activeSubscriptions: () => number;
  /** Extra validation (the gateway's operation limits), on top of the specification's rules. */
  validationRules?: readonly ValidationRule[];
  /** Who is connecting: the session cookie of the upgrade request or `authorization` in the
   * connection parameters. Without valid credentials the socket is closed with 4401. */
  authenticate: Authenticate;
}

interface ConnectionState {
  id: string;
  count: number;
  auth: Authenticated;
  address: string;
}

export function attachWebSocket(options: WebSocketOptions) {
  const log = options.logger.child({ source: 'graphql-ws' });
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: 1 << 20,
  });
  const perConnection = new WeakMap<object, ConnectionState>();

  new Gauge({
    name: 'gateway_ws_connections',
    help: 'Open graphql-ws connections.',
    registers: [options.registry],
    collect() {
      this.set(wss.clients.size);
    },
  });
  new Gauge({
    name: 'gateway_subscriptions_active',
    help: 'Subscriptions currently registered on the Kafka fan-out.',
    registers: [options.registry],
    collect() {
      this.set(options.activeSubscriptions());
    },
  });

  const server = useServer<Record<string, unknown>, { requestId: string }>(
    {
      schema: options.schema,
      validate: (schema, document) =>
        validate(schema, document, [...specifiedRules, ...(options.validationRules ?? [])]),
      onConnect: async (ctx) => {
        const id = randomUUID();
        const param = ctx.connectionParams?.authorization;
        const auth = await options
          .authenticate(ctx.extra.request, id, typeof param === 'string' ? param : undefined)
          .catch(() => undefined);
        if (!auth) {
          log.info({ requestId: id }, 'subscription connection without valid credentials');
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        perConnection.set(ctx, {
          id,
          count: 0,
          auth,
          address: ctx.extra.request.socket.remoteAddress ?? '',
        });
        return true;
      },
      // Payload entities are resolved through the gateway as the subscriber; the guard does not
      // count them as operations of their own.
      context: (ctx): GatewayContext => {
        const state = perConnection.get(ctx);
        return {
          requestId: state?.id ?? randomUUID(),
          auth: state?.auth,
          clientAddress: state?.address ?? '',
          internal: true,
        };
      },
      onSubscribe: (ctx) => {
        const state = perConnection.get(ctx);
        if (state && state.auth.principal.expiresAt * 1000 <= Date.now()) {
          return [
            new GraphQLError('Your session has expired. Sign in again.', {
              extensions: { code: ErrorCode.UNAUTHENTICATED },
            }),
          ];
        }
        if (state && state.count >= options.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(
              `At most ${options.maxSubscriptionsPerConnection} subscriptions per connection.`,
              { extensions: { code: ErrorCode.RATE_LIMITED } },
            ),
          ];
        }
        if (state) state.count += 1;
        return undefined;
      },
      onComplete: (ctx) => {
        const state = perConnection.get(ctx);
        if (state) state.count = Math.max(0, state.count - 1);
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return result;
        const requestId = perConnection.get(ctx)?.id;
        return {
          ...result,
          errors: result.errors.map((e) => toClientError(e.toJSON(), requestId)),
        } as never;
      },
      onError: (ctx, _id, _payload, errors) => {
        const requestId = perConnection.get(ctx)?.id;
        log.info({ requestId, errors: errors.map((e) => e.message) }, 'subscription refused');
        return errors.map((e) => toClientError(e.toJSON(), requestId)) as never;
      },
    },
    wss,
  );

  return {
    wss,
    close: async () => {
      for (const client of wss.clients) client.close(1001, 'Going away');
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
