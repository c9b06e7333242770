/**
 * Boots a subgraph service the same way everywhere: validated config, logger, metrics, PostgreSQL
 * pool, graceful shutdown, then the server. The service's `setup` adds its own resolvers, context
 * and any extra resources (each registered for shutdown).
 */
import { z } from 'zod';
import type { DocumentNode } from 'graphql';
import type { Express } from 'express';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Redis } from 'ioredis';
import { envFragments, loadConfig } from './config';
import { JWKS_PATH, remoteKeys } from './auth/jwks';
import type { Policy } from './auth/policy';
import { tokenVerifier, type VerifyToken } from './auth/tokens';
import { cachedVerifier } from './auth/verified-cache';
import { startDatasetDeletions } from './dataset-deletions';
import { createKafka } from './kafka';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createPool, type Pool } from './postgres';
import { createShutdown } from './shutdown';
import { startSubgraph, type RequestBase, type RunningServer } from './subgraph';
import { SUBGRAPHS, defaultSubgraphUrl, portVariable, type SubgraphName } from './services';
import type { HealthChecks } from './health';

const baseShape = {
  ...envFragments.service,
  ...envFragments.postgres,
  ...envFragments.auth,
  ...envFragments.kafka,
};

/** identity's JWKS document: AUTH_JWKS_URL, else beside IDENTITY_URL, else the local default. */
export function jwksUrl(config: {
  AUTH_JWKS_URL?: string | undefined;
  IDENTITY_URL?: string | undefined;
}) {
  return (
    config.AUTH_JWKS_URL ??
    new URL(JWKS_PATH, config.IDENTITY_URL ?? defaultSubgraphUrl('identity')).href
  );
}

/** A subgraph's configuration: the shared fragments, its own extras, and `PORT`. */
export type SubgraphConfig<E extends z.ZodRawShape> = z.infer<z.ZodObject<typeof baseShape>> &
  z.infer<z.ZodObject<E>> & { PORT: number };

/** Validates everything in one pass; the port comes from `<NAME>_PORT` (e.g. `IDENTITY_PORT`). */
export function loadSubgraphConfig<E extends z.ZodRawShape>(
  name: SubgraphName,
  extra: E,
  environment: Record<string, string | undefined> = process.env,
): Readonly<SubgraphConfig<E>> {
  const defaultPort = SUBGRAPHS.find((s) => s.name === name)!.port;
  const portKey = portVariable(name);
  const shape: z.ZodRawShape = {
    ...baseShape,
    ...extra,
    [portKey]: envFragments.port.default(defaultPort),
  };
  const schema = z
    .object(shape)
    .transform((values: Record<string, unknown>) => ({ ...values, PORT: values[portKey] }));
  return loadConfig(name, schema, environment) as unknown as Readonly<SubgraphConfig<E>>;
}

export interface BootDeps<Cfg> {
  config: Readonly<Cfg>;
  logger: Logger;
  metrics: Metrics;
  pool: Pool;
}

export interface SubgraphDefinition<C extends RequestBase> {
  resolvers: GraphQLResolverMap<C>;
  createContext: (base: RequestBase) => C | Promise<C>;
  /** Who may call which field: every `Query` and `Mutation` field needs a rule. */
  policy: Policy;
  /** Verifies access tokens; default: identity's JWKS over HTTP. identity passes its own keys. */
  verify?: VerifyToken;
  /** Redis for the policy's per-field limits, if any field has one. */
  redis?: Redis;
  checks?: HealthChecks;
  /** Called once the server listens (start consumers, relays...). */
  afterStart?: () => Promise<void>;
  /** Closes what `setup` opened; runs after the server stops accepting, before the pool closes. */
  close?: () => Promise<void>;
  /** Extra HTTP routes of the service. */
  routes?: (app: Express) => void;
  /**
   * DELETE statements of the rows this service keeps about a data set (`$1`: its id), run when
   * the data set is deleted (see dataset-deletions.ts).
   */
  datasetRows?: readonly string[];
  /** Called after `datasetRows` ran for a deleted data set: what else the service drops. */
  onDatasetDeleted?: (datasetId: string) => Promise<void>;
}

export async function bootSubgraph<E extends z.ZodRawShape, C extends RequestBase>(options: {
  name: SubgraphName;
  typeDefs: DocumentNode;
  env?: E;
  setup: (
    deps: BootDeps<SubgraphConfig<E>>,
  ) => SubgraphDefinition<C> | Promise<SubgraphDefinition<C>>;
  environment?: Record<string, string | undefined>;
  exitOnShutdown?: boolean;
}): Promise<RunningServer & { deps: BootDeps<SubgraphConfig<E>> }> {
  const config = loadSubgraphConfig(options.name, options.env ?? ({} as E), options.environment);
  const logger = createLogger(options.name, config.LOG_LEVEL);
  const metrics = createMetrics(options.name);
  const pool = createPool(
    {
      url: config.DATABASE_URL,
      max: config.PG_POOL_MAX,
      statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
      applicationName: options.name,
    },
    logger,
  );
  const exit = options.exitOnShutdown ?? true;
  const shutdown = createShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, { exit, signals: exit });
  const deps = { config, logger, metrics, pool };
  const definition = await options.setup(deps);

  const server = await startSubgraph<C>({
    name: options.name,
    typeDefs: options.typeDefs,
    resolvers: definition.resolvers,
    host: config.HOST,
    port: config.PORT,
    logger,
    metrics,
    checks: { postgres: () => pool.query('SELECT 1'), ...definition.checks },
    createContext: definition.createContext,
    policy: definition.policy,
    verify:
      definition.verify ??
      cachedVerifier(
        tokenVerifier(remoteKeys(jwksUrl(config)), {
          issuer: config.AUTH_ISSUER,
          audience: config.AUTH_AUDIENCE,
        }),
      ),
    redis: definition.redis,
    routes: definition.routes,
    introspection: config.NODE_ENV !== 'production',
  });
  // In this order: stop accepting requests, stop the service's own workers and consumers, close
  // the pool.
  shutdown.add('http', server.close);
  if (definition.close) shutdown.add(`${options.name} workers`, definition.close);
  if (definition.datasetRows?.length) {
    const deletions = startDatasetDeletions({
      service: options.name,
      groupPrefix: config.KAFKA_GROUP_PREFIX,
      kafka: createKafka(options.name, config.KAFKA_BROKERS, logger),
      pool,
      logger,
      statements: definition.datasetRows,
      afterDelete: definition.onDatasetDeleted,
    });
    shutdown.add('dataset deletions', deletions.stop);
  }
  shutdown.add('postgres', () => pool.end());
  await definition.afterStart?.();
  return { ...server, deps, close: () => shutdown.run('close') };
}

/**
 * Entry point of a service process: runs `start`, and if it fails (a port in use, an unreachable
 * dependency at start) prints one readable line naming the cause and exits 1.
 */
export function runMain(name: string, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    const cause = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: failed to start: ${cause}\n`);
    process.exit(1);
  });
}
