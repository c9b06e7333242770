/**
 * `dataset.events` (schema/events/dataset.events.schema.json): a data set's life as others see it.
 * Written to the outbox in the same transaction as the change it reports. The gateway's
 * `datasetEvents` subscription reads it, and every service with rows about a data set deletes them
 * on DELETED.
 */
import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from '@platform/runtime';

export const DATASET_EVENTS_TOPIC = 'dataset.events';

export type DatasetEventKind = 'CREATED' | 'PROCESSING' | 'READY' | 'FAILED' | 'DELETED';
export type DatasetStatus = 'PENDING' | 'PROCESSING' | 'READY' | 'FAILED';

export function datasetEvent(event: {
  datasetId: string;
  ownerId: string;
  kind: DatasetEventKind;
  status?: DatasetStatus;
  jobId?: string;
  message?: string;
  occurredAt?: string;
}): OutboxEvent {
  return {
    topic: DATASET_EVENTS_TOPIC,
    key: event.datasetId,
    payload: {
      eventId: randomUUID(),
      occurredAt: event.occurredAt ?? new Date().toISOString(),
      datasetId: event.datasetId,
      ownerId: event.ownerId,
      kind: event.kind,
      ...(event.status ? { status: event.status } : {}),
      ...(event.jobId ? { jobId: event.jobId } : {}),
      ...(event.message ? { message: event.message.slice(0, 1000) } : {}),
    },
  };
}
