/** ingestion subgraph: owns `Dataset` and `Job`, uploads, and the jobs' state machine. Wiring only. */
import { join } from 'node:path';
import {
  OutboxRelay,
  bootSubgraph,
  createKafka,
  createProducer,
  createS3,
  loadSdl,
  runMain,
} from '@platform/runtime';
import { ingestionEnv } from './config';
import { allowBrowserUploads } from './bucket-cors';
import { createContext } from './context';
import { loadCredentialsKey } from './credentials-key';
import { createDatabaseImports } from './database-imports';
import { createDeletion } from './deletion';
import { createExtractionStore } from './extraction-store';
import { createImportStore } from './import-store';
import { startImportWorker, type ImportWorker } from './import-worker';
import { startJobEventConsumer } from './job-events';
import { policy, resolvers } from './resolvers';
import { createIngestionStore } from './store';
import { startSweeper } from './sweeper';
import { createUploadStore } from './upload-store';
import { createUploads } from './uploads';

export const typeDefs = loadSdl(join(__dirname, '..'));

export function start(environment?: Record<string, string | undefined>, exitOnShutdown = true) {
  return bootSubgraph({
    name: 'ingestion',
    typeDefs,
    env: ingestionEnv,
    environment,
    exitOnShutdown,
    setup: ({ config, logger, metrics, pool }) => {
      const store = createIngestionStore(pool);
      const s3 = createS3({
        endpoint: config.S3_ENDPOINT,
        region: config.S3_REGION,
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      });
      const uploads = createUploads({
        s3,
        bucket: config.S3_RAW_BUCKET,
        limits: {
          maxBytes: config.UPLOAD_MAX_BYTES,
          singlePutMaxBytes: config.UPLOAD_SINGLE_PUT_MAX_BYTES,
          partBytes: config.UPLOAD_PART_BYTES,
        },
        urlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
        partUrlsUpFront: config.UPLOAD_PART_URLS_UP_FRONT,
        store: createUploadStore(pool),
        ingestion: store,
        logger,
      });
      const deleteDataset = createDeletion({
        pool,
        s3,
        dataBucket: config.S3_DATA_BUCKET,
        logger,
      });
      const credentialsKey = loadCredentialsKey(config);
      const sourceTimeouts = {
        connectMs: config.IMPORT_CONNECT_TIMEOUT_MS,
        statementMs: config.IMPORT_CHECK_TIMEOUT_MS,
      };
      let importWorker: ImportWorker | undefined;
      const imports = createDatabaseImports({
        store: createImportStore(pool, credentialsKey),
        timeouts: sourceTimeouts,
        logger,
        // This instance's worker starts on it at once; the others find it at their next poll.
        onQueued: () => importWorker?.wake(),
      });
      const kafka = createKafka('ingestion', config.KAFKA_BROKERS, logger);
      const producer = createProducer(kafka);
      const relay = new OutboxRelay({ pool, schema: 'ingestion', producer, logger });
      let consumer: ReturnType<typeof startJobEventConsumer> | undefined;
      let sweeper: ReturnType<typeof startSweeper> | undefined;
      return {
        resolvers,
        policy,
        createContext: (base) => createContext(base, { store, uploads, deleteDataset, imports }),
        afterStart: async () => {
          await allowBrowserUploads(s3, config.S3_RAW_BUCKET, config.UPLOAD_CORS_ORIGINS, logger);
          await relay.start();
          consumer = startJobEventConsumer({
            kafka,
            pool,
            logger,
            registry: metrics.registry,
            groupId: `${config.KAFKA_GROUP_PREFIX}ingestion-jobs`,
          });
          sweeper = startSweeper({
            uploads,
            pool,
            logger,
            intervalSeconds: config.UPLOAD_SWEEP_INTERVAL_SECONDS,
            graceSeconds: config.UPLOAD_SWEEP_GRACE_SECONDS,
          });
          if (config.IMPORT_WORKER_ENABLED) {
            importWorker = startImportWorker({
              store: createExtractionStore(pool, credentialsKey),
              s3,
              bucket: config.S3_RAW_BUCKET,
              upload: {
                singlePutMaxBytes: config.UPLOAD_SINGLE_PUT_MAX_BYTES,
                partBytes: config.UPLOAD_PART_BYTES,
              },
              timeouts: sourceTimeouts,
              maxRows: config.IMPORT_MAX_ROWS,
              maxBytes: config.IMPORT_MAX_BYTES,
              leaseSeconds: config.IMPORT_LEASE_SECONDS,
              maxAttempts: config.IMPORT_MAX_ATTEMPTS,
              pollMs: config.IMPORT_POLL_INTERVAL_MS,
              logger,
            });
          }
        },
        close: async () => {
          // First: an extraction under way is given back before the outbox relay stops.
          await importWorker?.stop();
          await sweeper?.stop();
          await consumer?.stop();
          await relay.stop();
          await producer.disconnect().catch(() => undefined);
          s3.destroy();
        },
      };
    },
  });
}

if (require.main === module) runMain('ingestion', () => start());
