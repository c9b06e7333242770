/** The gateway's configuration: the one place it reads the environment. */
import { join } from 'node:path';
import { z } from 'zod';
import { SUBGRAPHS, envFragments, loadConfig, urlVariable } from '@platform/runtime';

const REPO_ROOT = join(__dirname, '..', '..');

const subgraphUrls = Object.fromEntries(
  SUBGRAPHS.map(({ name }) => [urlVariable(name), z.url({ protocol: /^https?$/ }).optional()]),
);

const boolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

export const gatewayEnvSchema = z.object({
  ...envFragments.service,
  ...envFragments.kafka,
  ...envFragments.redis,
  ...envFragments.auth,
  GATEWAY_PORT: envFragments.port.default(4000),
  SUPERGRAPH_PATH: z.string().default(join(REPO_ROOT, 'schema', 'supergraph.graphql')),
  /** The built app, served on `/`; unset or missing folder: the API only. */
  CLIENT_DIST: z.string().default(join(REPO_ROOT, 'client', 'dist')),
  /** Introspection; defaults to on outside production. */
  GRAPHQL_INTROSPECTION: boolean.optional(),
  /** Subgraph requests time out after this long. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Operation limits (graphql-armor), checked before planning. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).max(1000).default(15),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(50).max(100_000).default(2000),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).max(1_000_000).default(5000),
  /** Every operation of a user counts against this, per hour (query operations also have tiers). */
  RATE_LIMIT_OPERATIONS_PER_HOUR: z.coerce.number().int().min(1).default(10_000),
  /** Sign-in attempts per account and per client address in LOGIN_LIMIT_WINDOW_SECONDS. */
  LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  LOGIN_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Redis key prefix of the counters (tests use their own). */
  RATE_LIMIT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,32}$/)
    .default('rl'),
  /** The session cookie gets `Secure` (HTTPS only); defaults to on in production. */
  SESSION_COOKIE_SECURE: boolean.optional(),
  /** Bound on simultaneous graphql-ws subscriptions per connection. */
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(1000).default(50),
  ...subgraphUrls,
});

export type GatewayConfig = Readonly<z.infer<typeof gatewayEnvSchema>>;

export function loadGatewayConfig(environment: Record<string, string | undefined> = process.env) {
  return loadConfig('gateway', gatewayEnvSchema, environment);
}
