/**
 * Configuration helpers. Each service has one `env.ts` that declares a zod schema built from the
 * fragments below and calls `loadConfig` once at start: every problem is reported at once, and the
 * result is a typed, frozen object. Nothing else reads `process.env`.
 */
import { join } from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(
      `${service}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

// 0 asks the OS for a free port (tests).
const port = z.coerce.number().int().min(0).max(65535);
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL with protocol ${protocols.join(' or ')}` },
  );

/** Environment fragments shared by services; compose them with `z.object({...a, ...b})`. */
export const envFragments = {
  service: {
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    HOST: z.string().default('127.0.0.1'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  },
  postgres: {
    DATABASE_URL: url(['postgres:', 'postgresql:']).default(
      'postgres://platform:platform@127.0.0.1:5432/platform',
    ),
    PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  },
  redis: {
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  },
  kafka: {
    KAFKA_BROKERS: z
      .string()
      .default('127.0.0.1:9092')
      .transform((value) => value.split(',').map((b) => b.trim()))
      .pipe(
        z
          .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port'))
          .min(1, 'needs at least one broker'),
      ),
    /**
     * Put before every consumer group name of the service: lets several stacks (or test runs)
     * share one Kafka without taking each other's messages. Empty by default.
     */
    KAFKA_GROUP_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]{0,100}$/, 'letters, digits, . _ - (at most 100)')
      .default(''),
  },
  s3: {
    S3_ENDPOINT: url(['http:', 'https:']).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_RAW_BUCKET: z.string().min(3).max(63).default('analytics-raw'),
    S3_DATA_BUCKET: z.string().min(3).max(63).default('analytics-data'),
  },
  /** Access tokens: who issues them, for whom, and where verifiers find the public keys. */
  auth: {
    AUTH_ISSUER: z.string().min(1).default('ai-analytics-platform/identity'),
    AUTH_AUDIENCE: z.string().min(1).default('ai-analytics-platform'),
    /** identity's JWKS document; defaults to `/.well-known/jwks.json` beside IDENTITY_URL. */
    AUTH_JWKS_URL: url(['http:', 'https:']).optional(),
    IDENTITY_URL: url(['http:', 'https:']).optional(),
  },
  /** identity only: the private keys that sign access tokens. */
  signing: {
    /** JSON `{"signer": kid, "keys": [private RSA JWKs]}`; unset in local mode. */
    AUTH_SIGNING_KEYS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value === '') return undefined;
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON document' });
          return z.NEVER;
        }
      }),
    /** Local mode: where a generated key set is kept when AUTH_SIGNING_KEYS is unset. */
    AUTH_KEYS_DIR: z.string().optional(),
    /** The local stack's data folder (infra/env.sh); the key set defaults to its `keys/`. */
    PLATFORM_DATA_DIR: z.string().default(join(__dirname, '..', '..', '..', '.data')),
  },
  port,
} as const;

/**
 * Validates `env` against `schema`. Throws a ConfigError listing every problem (never only the
 * first); returns a deeply frozen, typed object.
 */
export function parseConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(root)';
      return `${key}: ${issue.message}`;
    });
    throw new ConfigError(service, problems);
  }
  return Object.freeze(result.data) as Readonly<z.infer<S>>;
}

/** Like parseConfig, but prints every problem and exits with status 1: for a service's start. */
export function loadConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<S>> {
  try {
    return parseConfig(service, schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
