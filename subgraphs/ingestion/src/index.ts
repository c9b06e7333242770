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
import { createContext } from './context';
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
        store: createUploadStore(pool),
        ingestion: store,
        logger,
      });
      const kafka = createKafka('ingestion', config.KAFKA_BROKERS, logger);
      const producer = createProducer(kafka);
      const relay = new OutboxRelay({ pool, schema: 'ingestion', producer, logger });
      let consumer: ReturnType<typeof startJobEventConsumer> | undefined;
      let sweeper: ReturnType<typeof startSweeper> | undefined;
      return {
        resolvers,
        policy,
        createContext: (base) => createContext(base, { store, uploads }),
        afterStart: async () => {
          await relay.start();
          consumer = startJobEventConsumer({ kafka, pool, logger, registry: metrics.registry });
          sweeper = startSweeper({
            uploads,
            pool,
            logger,
            intervalSeconds: config.UPLOAD_SWEEP_INTERVAL_SECONDS,
            graceSeconds: config.UPLOAD_SWEEP_GRACE_SECONDS,
          });
        },
        close: async () => {
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
