/**
 * Applies the processor's events to jobs and data sets. Each event is applied in one transaction
 * with its id recorded, so a redelivered event changes nothing; offsets are committed only after
 * that transaction (kafkajs commits once `eachMessage` resolves). A message that does not match its
 * contract is logged, counted and skipped; a database failure stops the batch so Kafka redelivers.
 */
import { Counter, type Registry } from 'prom-client';

import {
  enqueueEvent,
  runConsumerInBackground,
  withTransaction,
  type Kafka,
  type Logger,
  type Pool,
  type RunningConsumer,
} from '@platform/runtime';
import { datasetEvent } from './dataset-events';
import { nextJobState, type JobStatus } from './job-state';
import { PROCESSING_TOPICS, parseProcessingEvent, type ProcessingEvent } from './processing-events';

export type ApplyOutcome = 'applied' | 'unchanged' | 'duplicate' | 'unknown-job';

/** Applies one event; see the module comment. */
export async function applyProcessingEvent(
  pool: Pool,
  topic: string,
  event: ProcessingEvent,
): Promise<ApplyOutcome> {
  return withTransaction(pool, async (tx) => {
    const fresh = await tx.query(
      `INSERT INTO ingestion.applied_events (event_id, topic) VALUES ($1, $2)
       ON CONFLICT (event_id) DO NOTHING`,
      [event.eventId, topic],
    );
    if (fresh.rowCount === 0) return 'duplicate';
    const { rows } = await tx.query(
      `SELECT j.status, j.progress, j.owner_id, d.id AS dataset_id, d.status AS dataset_status
         FROM ingestion.jobs j LEFT JOIN ingestion.datasets d ON d.id = j.dataset_id
        WHERE j.id = $1 FOR UPDATE OF j`,
      [event.jobId],
    );
    const job = rows[0] as
      | {
          status: JobStatus;
          progress: number;
          owner_id: string;
          dataset_id: string | null;
          dataset_status: string | null;
        }
      | undefined;
    if (!job) return 'unknown-job';
    const next = nextJobState(job, event);
    if (!next) return 'unchanged';
    const errorMessage = event.kind === 'failed' ? event.reason : null;
    await tx.query(
      `UPDATE ingestion.jobs SET status = $2, progress = $3, error_message = $4, updated_at = now()
        WHERE id = $1`,
      [event.jobId, next.status, next.progress, errorMessage],
    );
    if (!job.dataset_id) return 'applied';

    const datasetId = job.dataset_id;
    const announce = (kind: 'PROCESSING' | 'READY' | 'FAILED', message?: string) =>
      enqueueEvent(
        tx,
        'ingestion',
        datasetEvent({
          datasetId,
          ownerId: job.owner_id,
          kind,
          status: kind,
          jobId: event.jobId,
          ...(message ? { message } : {}),
        }),
      );
    if (event.kind === 'progress' && next.status === 'PROCESSING') {
      const { rowCount } = await tx.query(
        `UPDATE ingestion.datasets SET status = 'PROCESSING', updated_at = now()
          WHERE id = $1 AND status = 'PENDING'`,
        [datasetId],
      );
      if (rowCount) await announce('PROCESSING');
    } else if (event.kind === 'complete') {
      await tx.query(
        `UPDATE ingestion.datasets SET status = 'READY', row_count = $2, column_count = $3,
           version = $4, data_bucket = $5, data_prefix = $6, error_message = NULL,
           updated_at = now()
         WHERE id = $1`,
        [
          datasetId,
          event.rowCount,
          event.columnCount,
          event.version,
          event.output.bucket,
          event.output.prefix,
        ],
      );
      await announce('READY');
    } else if (event.kind === 'failed') {
      await tx.query(
        `UPDATE ingestion.datasets SET status = 'FAILED', error_message = $2, updated_at = now()
          WHERE id = $1`,
        [datasetId, event.reason],
      );
      await announce('FAILED', event.reason);
    }
    return 'applied';
  });
}

/** The consumer of data.processing.{progress,complete,failed}. */
export function startJobEventConsumer(deps: {
  kafka: Kafka;
  pool: Pool;
  logger: Logger;
  registry: Registry;
  groupId?: string;
}): RunningConsumer {
  const log = deps.logger.child({ source: 'job-events' });
  const handled = new Counter({
    name: 'ingestion_processing_events_total',
    help: 'Processing events consumed, by topic and outcome.',
    labelNames: ['topic', 'outcome'],
    registers: [deps.registry],
  });
  return runConsumerInBackground({
    kafka: deps.kafka,
    groupId: deps.groupId ?? 'ingestion-jobs',
    topics: PROCESSING_TOPICS,
    fromBeginning: true,
    logger: deps.logger,
    handle: async ({ topic, partition, offset, value }) => {
      const event = parseProcessingEvent(topic, value);
      if (!event) {
        handled.inc({ topic, outcome: 'invalid' });
        log.warn({ topic, partition, offset }, 'skipped an event that does not match its contract');
        return;
      }
      const outcome = await applyProcessingEvent(deps.pool, topic, event);
      handled.inc({ topic, outcome });
      if (outcome === 'unknown-job') {
        log.warn({ topic, jobId: event.jobId }, 'event for a job this service does not know');
      }
    },
  });
}
