/**
 * query subgraph: asking questions, checking and running SQL, the history. Wiring only: the
 * warehouse and the SQL checks are DuckDB's, or Snowflake's with `WAREHOUSE=snowflake`.
 */
import { join } from 'node:path';
import {
  ConfigError,
  bootSubgraph,
  createRedis,
  createS3,
  loadSdl,
  runMain,
} from '@platform/runtime';
import { createAnswers } from './answers';
import { cacheDir, queryEnv } from './config';
import { snowflakeSettings } from './config-snowflake';
import { createContext } from './context';
import { createConversations } from './conversations';
import { createDatasets } from './datasets';
import { createBuiltinEngine } from './engines/builtin/builtin-engine';
import { createLlmEngine } from './engines/llm/llm-engine';
import { policy, resolvers } from './resolvers';
import { createResultCache } from './result-cache';
import { createDuckDbValidator } from './sql/duckdb-validator';
import { createSnowflakeValidator } from './sql/snowflake-validator';
import { createQueryStore } from './store';
import { createDuckDbWarehouse } from './warehouse/duckdb-warehouse';
import { createParquetCache } from './warehouse/parquet-cache';
import { createSnowflakeWarehouse } from './warehouse/snowflake-warehouse';

export const typeDefs = loadSdl(join(__dirname, '..'));

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'query',
    typeDefs,
    env: queryEnv,
    environment,
    exitOnShutdown,
    setup: async ({ config, logger, pool }) => {
      if (config.LLM_BASE_URL && !config.LLM_MODEL) {
        throw new ConfigError('query', ['LLM_MODEL: required when LLM_BASE_URL is set']);
      }
      const store = createQueryStore(pool);
      const s3 = createS3({
        endpoint: config.S3_ENDPOINT,
        region: config.S3_REGION,
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      });
      const dir = cacheDir(config);
      const snowflake = snowflakeSettings(config);
      const warehouse = snowflake
        ? createSnowflakeWarehouse({
            ...snowflake,
            logger: logger.child({ source: 'snowflake-sdk' }),
          })
        : createDuckDbWarehouse({
            files: createParquetCache({
              s3,
              bucket: config.S3_DATA_BUCKET,
              dir: join(dir, 'parquet'),
              maxBytes: config.QUERY_CACHE_MAX_BYTES,
            }),
            tempDir: join(dir, 'spill'),
            threads: config.DUCKDB_THREADS,
            memoryLimit: config.DUCKDB_MEMORY_LIMIT,
            maxOpen: config.DUCKDB_MAX_OPEN,
          });
      const validator = snowflake ? createSnowflakeValidator() : await createDuckDbValidator();
      const redis = createRedis(config.REDIS_URL, logger);
      await redis.connect().catch((error: unknown) => {
        logger.warn(
          { err: error },
          'Redis unreachable at start; answers run uncached until it is back',
        );
      });
      const model = config.LLM_BASE_URL
        ? createLlmEngine({
            baseUrl: config.LLM_BASE_URL,
            apiKey: config.LLM_API_KEY ?? 'not-needed',
            model: config.LLM_MODEL!,
            timeoutMs: config.LLM_TIMEOUT_MS,
            sendValues: config.LLM_SEND_VALUES,
          })
        : null;
      const answers = createAnswers({
        datasets: createDatasets({ pool, warehouse, timeoutMs: config.QUERY_TIMEOUT_MS }),
        validator,
        warehouse,
        cache: createResultCache({
          redis,
          freshSeconds: config.QUERY_CACHE_TTL_SECONDS,
          staleSeconds: config.QUERY_STALE_TTL_SECONDS,
          logger,
        }),
        store,
        conversations: createConversations(redis, logger),
        builtin: createBuiltinEngine(),
        model,
        limits: {
          maxRows: config.QUERY_MAX_ROWS,
          timeoutMs: config.QUERY_TIMEOUT_MS,
          staleAfterMs: config.QUERY_STALE_AFTER_MS,
        },
        logger,
      });
      return {
        resolvers,
        policy,
        createContext: (base) => createContext(base, { store, answers }),
        // What this service keeps about a data set goes when the data set does.
        datasetRows: ['DELETE FROM query.queries WHERE dataset_id = $1'],
        // Its local Parquet copies and open database go too (cached answers expire on their own
        // and can no longer be reached: the profile is gone).
        onDatasetDeleted: async (datasetId) => warehouse.forget?.(datasetId),
        close: async () => {
          await warehouse.close();
          validator.close();
          redis.disconnect();
          s3.destroy();
        },
      };
    },
  });
}

if (require.main === module) runMain('query', () => start());
