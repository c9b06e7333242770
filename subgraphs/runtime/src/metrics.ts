/**
 * Prometheus metrics (Property 46): every GraphQL operation counts a request, observes its duration
 * and counts its errors by code, labelled by operation name and type. One registry per process,
 * served on `/metrics` next to the service's GraphQL endpoint.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  operations: Counter<'operation' | 'type' | 'outcome'>;
  duration: Histogram<'operation' | 'type'>;
  errors: Counter<'operation' | 'code'>;
}

export function createMetrics(service: string, { defaults = true } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    operations: new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations handled, by operation name, type and outcome (ok or error).',
      labelNames: ['operation', 'type', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Duration of GraphQL operations from request to response.',
      labelNames: ['operation', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'graphql_errors_total',
      help: 'GraphQL errors returned to clients, by operation name and error code.',
      labelNames: ['operation', 'code'],
      registers: [registry],
    }),
  };
}

/** Operation names are client-chosen: bound their length and alphabet so labels stay finite. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'invalid_name';
}

/** Apollo Server plugin recording requests, duration and errors for each operation. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const end = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const operation = operationLabel(ctx.operationName ?? ctx.operation?.name?.value);
          const type = ctx.operation?.operation ?? 'unknown';
          const seconds = Number(process.hrtime.bigint() - end) / 1e9;
          const errors = ctx.errors ?? [];
          const body = ctx.response.body;
          const resultErrors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          const all = errors.length > 0 ? errors : resultErrors;
          metrics.duration.observe({ operation, type }, seconds);
          metrics.operations.inc({ operation, type, outcome: all.length > 0 ? 'error' : 'ok' });
          for (const error of all) {
            const code = (error.extensions?.code as string | undefined) ?? 'INTERNAL';
            metrics.errors.inc({ operation, code });
          }
        },
      };
    },
  };
}
