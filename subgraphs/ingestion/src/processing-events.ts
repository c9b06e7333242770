/**
 * The processor's events about a job (schema/events/data.processing.*.schema.json), parsed
 * strictly: an event that does not match its contract is skipped, never applied in part.
 */
import { z } from 'zod';

const uuid = z.uuid();
const base = {
  eventId: uuid,
  occurredAt: z.iso.datetime({ offset: true }),
  jobId: uuid,
  datasetId: uuid,
};

export const PROGRESS_TOPIC = 'data.processing.progress';
export const COMPLETE_TOPIC = 'data.processing.complete';
export const FAILED_TOPIC = 'data.processing.failed';
export const PROCESSING_TOPICS = [PROGRESS_TOPIC, COMPLETE_TOPIC, FAILED_TOPIC] as const;

const Progress = z.strictObject({
  ...base,
  status: z.enum(['QUEUED', 'PROCESSING']),
  progress: z.number().int().min(0).max(100),
  rowsProcessed: z.number().int().min(0).optional(),
  message: z.string().max(500).optional(),
});

const Complete = z.strictObject({
  ...base,
  version: z.number().int().min(1),
  rowCount: z.number().int().min(0),
  columnCount: z.number().int().min(0),
  output: z.strictObject({
    bucket: z.string().min(3).max(63),
    prefix: z.string().regex(/^datasets\/[0-9a-f-]{36}\/v[0-9]+\/$/),
  }),
  processingTimeMs: z.number().int().min(0),
});

const Failed = z.strictObject({
  ...base,
  code: z.string().regex(/^[A-Z][A-Z_]{2,63}$/),
  reason: z.string().min(1).max(1000),
});

export type ProcessingEvent =
  | ({ kind: 'progress' } & z.infer<typeof Progress>)
  | ({ kind: 'complete' } & z.infer<typeof Complete>)
  | ({ kind: 'failed' } & z.infer<typeof Failed>);

/** The event, or undefined when the message is not one of the contracts. */
export function parseProcessingEvent(topic: string, value: unknown): ProcessingEvent | undefined {
  switch (topic) {
    case PROGRESS_TOPIC: {
      const event = Progress.safeParse(value);
      return event.success ? { kind: 'progress', ...event.data } : undefined;
    }
    case COMPLETE_TOPIC: {
      const event = Complete.safeParse(value);
      return event.success ? { kind: 'complete', ...event.data } : undefined;
    }
    case FAILED_TOPIC: {
      const event = Failed.safeParse(value);
      return event.success ? { kind: 'failed', ...event.data } : undefined;
    }
    default:
      return undefined;
  }
}
