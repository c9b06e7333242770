/**
 * Which warehouse runs the SQL (`WAREHOUSE`: the embedded DuckDB, or Snowflake) and the Snowflake
 * adapter's settings: an env fragment to spread into `queryEnv`, and `snowflakeSettings()`, which
 * turns the parsed config into the adapter's options, reporting every missing or conflicting
 * setting at once when `WAREHOUSE=snowflake`.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '@platform/runtime';
import type { SnowflakeWarehouseOptions } from './warehouse/snowflake-warehouse';

/** An unset variable may also be set to nothing (`SNOWFLAKE_ROLE=` in an env file). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

// Names put into SQL as written: plain identifiers (Snowflake upper-cases them), as the adapter's
// sessions resolve even quoted names in upper case.
const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, 'a plain Snowflake identifier (letters, digits, _ and $)');
const qualified = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/,
    'a plain Snowflake name, optionally qualified: [database.][schema.]name',
  );
const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const snowflakeEnv = {
  /** Where SQL runs: `duckdb` (embedded, the default) or `snowflake`. */
  WAREHOUSE: z.enum(['duckdb', 'snowflake']).default('duckdb'),
  /** Account identifier, e.g. `myorg-myaccount` (or a legacy locator `xy12345.us-east-1`). */
  SNOWFLAKE_ACCOUNT: optional(
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an account identifier such as myorg-myaccount'),
  ),
  SNOWFLAKE_USER: optional(z.string().min(1)),
  /** Password authentication; or: */
  SNOWFLAKE_PASSWORD: optional(z.string().min(1)),
  /** Key-pair authentication: a PEM private key; `\n` escapes count as line breaks. */
  SNOWFLAKE_PRIVATE_KEY: optional(
    z
      .string()
      .min(1)
      .transform((v) => v.replace(/\\n/g, '\n')),
  ),
  /** The passphrase of an encrypted SNOWFLAKE_PRIVATE_KEY. */
  SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: optional(z.string().min(1)),
  /** The virtual warehouse that runs the statements. */
  SNOWFLAKE_WAREHOUSE: optional(identifier),
  /** Where the adapter keeps one table per data set version (and its Parquet file format). */
  SNOWFLAKE_DATABASE: optional(identifier),
  SNOWFLAKE_SCHEMA: optional(identifier),
  SNOWFLAKE_ROLE: optional(identifier),
  /** External stage over S3_DATA_BUCKET (its root: the adapter reads `datasets/<id>/v<n>/`). */
  SNOWFLAKE_STAGE: optional(qualified),
  /** A full endpoint instead of the account's default one (private link). */
  SNOWFLAKE_ACCESS_URL: optional(z.url({ protocol: /^https?$/ })),
  /** Snowflake's own limit per query statement, a backstop to QUERY_TIMEOUT_MS. */
  SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS: int(60, 1, 86_400),
  /** The limit for loading one data set version into its table. */
  SNOWFLAKE_LOAD_TIMEOUT_SECONDS: int(1_800, 1, 86_400),
  /** Snowflake sessions open at most. */
  SNOWFLAKE_POOL_SIZE: int(4, 1, 64),
};

export type SnowflakeConfig = z.infer<z.ZodObject<typeof snowflakeEnv>>;

/** The adapter's options, without the test hooks (`connector`) and the logger. */
export type SnowflakeSettings = Omit<SnowflakeWarehouseOptions, 'connector' | 'logger'>;

/**
 * The Snowflake adapter's options when `WAREHOUSE=snowflake` (null for DuckDB). Throws a
 * ConfigError listing every missing or conflicting setting.
 */
export function snowflakeSettings(config: SnowflakeConfig): SnowflakeSettings | null {
  if (config.WAREHOUSE !== 'snowflake') return null;
  const problems: string[] = [];
  const required = <T>(key: keyof SnowflakeConfig, value: T | undefined): T => {
    if (value === undefined) problems.push(`${key}: required when WAREHOUSE=snowflake`);
    return value as T;
  };
  const account = required('SNOWFLAKE_ACCOUNT', config.SNOWFLAKE_ACCOUNT);
  const username = required('SNOWFLAKE_USER', config.SNOWFLAKE_USER);
  const warehouse = required('SNOWFLAKE_WAREHOUSE', config.SNOWFLAKE_WAREHOUSE);
  const database = required('SNOWFLAKE_DATABASE', config.SNOWFLAKE_DATABASE);
  const schema = required('SNOWFLAKE_SCHEMA', config.SNOWFLAKE_SCHEMA);
  const stage = required('SNOWFLAKE_STAGE', config.SNOWFLAKE_STAGE);

  const password = config.SNOWFLAKE_PASSWORD;
  const privateKey = config.SNOWFLAKE_PRIVATE_KEY;
  const passphrase = config.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE;
  let auth: SnowflakeSettings['auth'] = { kind: 'password', password: password ?? '' };
  if (password && privateKey) {
    problems.push(
      'SNOWFLAKE_PASSWORD, SNOWFLAKE_PRIVATE_KEY: set one of them (password or key-pair authentication), not both',
    );
  } else if (privateKey) {
    try {
      createPrivateKey({ key: privateKey, format: 'pem', passphrase: passphrase ?? '' });
      auth = { kind: 'keyPair', privateKey, ...(passphrase ? { passphrase } : {}) };
    } catch {
      problems.push(
        passphrase
          ? 'SNOWFLAKE_PRIVATE_KEY: not a PEM private key, or SNOWFLAKE_PRIVATE_KEY_PASSPHRASE does not open it'
          : 'SNOWFLAKE_PRIVATE_KEY: not a PEM private key (an encrypted key needs SNOWFLAKE_PRIVATE_KEY_PASSPHRASE)',
      );
    }
  } else if (!password) {
    problems.push('SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY: required when WAREHOUSE=snowflake');
  }
  if (passphrase && !privateKey) {
    problems.push('SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: set without SNOWFLAKE_PRIVATE_KEY');
  }
  if (problems.length > 0) throw new ConfigError('query', problems);

  return {
    account,
    username,
    auth,
    warehouse,
    database,
    schema,
    ...(config.SNOWFLAKE_ROLE ? { role: config.SNOWFLAKE_ROLE } : {}),
    ...(config.SNOWFLAKE_ACCESS_URL ? { accessUrl: config.SNOWFLAKE_ACCESS_URL } : {}),
    stage,
    statementTimeoutSeconds: config.SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS,
    loadTimeoutSeconds: config.SNOWFLAKE_LOAD_TIMEOUT_SECONDS,
    poolSize: config.SNOWFLAKE_POOL_SIZE,
  };
}
