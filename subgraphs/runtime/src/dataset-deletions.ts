/**
 * When a data set is deleted (a DELETED event on `dataset.events`, from ingestion), every service
 * that keeps rows about it deletes them: each declares its statements (`$1` is the data set id)
 * and `bootSubgraph` runs this consumer. Deleting again is harmless, so a redelivered event is too.
 */
import { z } from 'zod';
import { runConsumerInBackground, type RunningConsumer } from './consumer';
import type { Kafka } from './kafka';
import type { Logger } from './logger';
import { withTransaction, type Pool } from './postgres';

export const DATASET_EVENTS_TOPIC = 'dataset.events';

const Deleted = z.object({ kind: z.literal('DELETED'), datasetId: z.uuid() });

export function startDatasetDeletions(options: {
  service: string;
  /** KAFKA_GROUP_PREFIX. */
  groupPrefix?: string;
  kafka: Kafka;
  pool: Pool;
  logger: Logger;
  /** DELETE statements of the service's own rows about data set `$1`, run in one transaction. */
  statements: readonly string[];
  /** Then, what the service keeps outside PostgreSQL (local files, caches); must be idempotent. */
  afterDelete?: (datasetId: string) => Promise<void>;
}): RunningConsumer {
  const log = options.logger.child({ source: 'dataset-deletions' });
  return runConsumerInBackground({
    kafka: options.kafka,
    groupId: `${options.groupPrefix ?? ''}${options.service}-dataset-deletions`,
    topics: [DATASET_EVENTS_TOPIC],
    fromBeginning: true,
    logger: options.logger,
    handle: async ({ value }) => {
      const event = Deleted.safeParse(value);
      if (!event.success) return;
      const removed = await withTransaction(options.pool, async (tx) => {
        let rows = 0;
        for (const statement of options.statements) {
          rows += (await tx.query(statement, [event.data.datasetId])).rowCount ?? 0;
        }
        return rows;
      });
      await options.afterDelete?.(event.data.datasetId);
      log.info({ datasetId: event.data.datasetId, rows: removed }, 'removed a deleted data set');
    },
  });
}
