/** query's own settings, on top of the shared ones (subgraphs/runtime/README.md). */
import { join } from 'node:path';
import { z } from 'zod';
import { envFragments } from '@platform/runtime';
import { snowflakeEnv } from './config-snowflake';

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

export const queryEnv = {
  ...snowflakeEnv,
  ...envFragments.kafka,
  ...envFragments.s3,
  ...envFragments.redis,
  /** The local stack's data folder; the warehouse's file cache defaults to `query-cache/` in it. */
  PLATFORM_DATA_DIR: z.string().default(join(__dirname, '..', '..', '..', '.data')),
  QUERY_CACHE_DIR: z.string().optional(),
  /** Local Parquet copies kept at most (default 10 GiB); least recently used go first. */
  QUERY_CACHE_MAX_BYTES: int(10 * 1024 ** 3, 1024 ** 2, 10 * 1024 ** 4),
  /** Rows an answer returns at most (more are counted as `truncated`). */
  QUERY_MAX_ROWS: int(1000, 1, 100_000),
  /** A statement running longer is interrupted. */
  QUERY_TIMEOUT_MS: int(15_000, 100, 600_000),
  /** When the warehouse has not answered after this long, a stale cached answer is served. */
  QUERY_STALE_AFTER_MS: int(2_000, 50, 600_000),
  /** Fresh cached answers are served this long (design: 5 minutes). */
  QUERY_CACHE_TTL_SECONDS: int(300, 1, 86_400),
  /** The last answer to each SQL is kept this long as a stale fallback. */
  QUERY_STALE_TTL_SECONDS: int(7 * 86_400, 60, 90 * 86_400),
  /** DuckDB: threads and memory per open data set version, and how many stay open. */
  DUCKDB_THREADS: int(2, 1, 64),
  DUCKDB_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 512MB or 2GiB')
    .default('1GB'),
  DUCKDB_MAX_OPEN: int(4, 1, 256),
  /** An OpenAI-compatible endpoint; unset: the built-in engine answers. */
  LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).max(200).optional(),
  LLM_TIMEOUT_MS: int(20_000, 100, 300_000),
  /** Send low-cardinality column values to the model (default: only names, types and figures). */
  LLM_SEND_VALUES: flag,
};

export type QueryConfig = z.infer<z.ZodObject<typeof queryEnv>>;

export const cacheDir = (config: {
  QUERY_CACHE_DIR?: string | undefined;
  PLATFORM_DATA_DIR: string;
}) => config.QUERY_CACHE_DIR ?? join(config.PLATFORM_DATA_DIR, 'query-cache');
