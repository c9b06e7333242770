/**
 * `data.ingestion` (schema/events/data.ingestion.schema.json): a raw object is ready for the
 * processor. One builder for both ways data comes in (a completed upload, an extracted import),
 * written to the outbox in the transaction that records it. Key: the job id.
 */
import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from '@platform/runtime';
import type { FileSourceType } from './upload-rules';

export const DATA_INGESTION_TOPIC = 'data.ingestion';

export function ingestionEvent(event: {
  jobId: string;
  datasetId: string;
  userId: string;
  sourceType: FileSourceType;
  rawObject: { bucket: string; key: string };
  sizeBytes: number;
  occurredAt?: string;
}): OutboxEvent {
  return {
    topic: DATA_INGESTION_TOPIC,
    key: event.jobId,
    payload: {
      eventId: randomUUID(),
      occurredAt: event.occurredAt ?? new Date().toISOString(),
      jobId: event.jobId,
      datasetId: event.datasetId,
      userId: event.userId,
      sourceType: event.sourceType,
      rawObject: event.rawObject,
      sizeBytes: event.sizeBytes,
      version: 1,
    },
  };
}
