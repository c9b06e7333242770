/** Settings of importFromDatabase; part of ingestion's one config schema (config.ts). */
import { z } from 'zod';
import { envFragments } from '@platform/runtime';

export const importEnv = {
  /**
   * 32 bytes, base64: the AES-256-GCM key that encrypts the source passwords kept until their
   * import has run. Required in production; locally generated once into the data folder.
   */
  IMPORT_CREDENTIALS_KEY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const key = Buffer.from(value, 'base64');
      if (key.length !== 32 || key.toString('base64') !== value.replace(/\s/g, '')) {
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes in base64' });
        return z.NEVER;
      }
      return key;
    }),
  /** Local mode: the generated key is kept in `<PLATFORM_DATA_DIR>/keys/`. */
  PLATFORM_DATA_DIR: envFragments.signing.PLATFORM_DATA_DIR,
  /** How long connecting to a source database may take (TCP, TLS and sign-in). */
  IMPORT_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /**
   * Longest statement while checking a source (its role, and EXPLAIN of the query), and while
   * extracting (each FETCH of 1000 rows).
   */
  IMPORT_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Most rows one import may extract; beyond, it fails (default 50 million). */
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(50_000_000),
  /** Largest Parquet file one import may produce (default 10 GiB, the upload limit). */
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(5 * 1024 ** 4)
    .default(10 * 1024 ** 3),
  /** Whether this instance extracts queued imports (false: it only serves the API). */
  IMPORT_WORKER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How often an idle worker looks for queued imports. */
  IMPORT_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** A worker's hold on an import, renewed while it runs: after it, another instance takes over. */
  IMPORT_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(60),
  /** Attempts at an import whose worker stopped before the import is failed. */
  IMPORT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
};
