/**
 * What feeds each `Subscription` field of the supergraph: its Kafka topic, the argument that
 * selects the message key, and the validation of the payload. A message that fails validation is
 * logged and skipped, never delivered half-formed. Adding a subscription field to a subgraph's SDL
 * needs an entry here; the gateway refuses to start if one is missing.
 */
import { z } from 'zod';
import { badInput, isUuid, notFound, type VerifiedToken } from '@platform/runtime';

const progressEvent = z.object({
  eventId: z.string(),
  occurredAt: z.iso.datetime({ offset: true }),
  jobId: z.string(),
  datasetId: z.string(),
  status: z.enum(['QUEUED', 'PROCESSING']),
  progress: z.number().int().min(0).max(100),
  rowsProcessed: z.number().int().min(0).optional(),
  message: z.string().max(500).optional(),
});

const datasetEvent = z.object({
  eventId: z.string(),
  occurredAt: z.iso.datetime({ offset: true }),
  datasetId: z.string(),
  ownerId: z.string(),
  kind: z.enum(['CREATED', 'PROCESSING', 'READY', 'FAILED', 'DELETED']),
  status: z.enum(['PENDING', 'PROCESSING', 'READY', 'FAILED']).optional(),
  jobId: z.string().optional(),
  message: z.string().max(1000).optional(),
});

/** Runs a query through the supergraph as the subscriber; resolves to its data. */
export type QueryAsViewer = (
  query: string,
  variables: Record<string, unknown>,
) => Promise<Record<string, unknown> | null>;

export interface SubscriptionField {
  topic: string;
  /** The message key to listen to, from the field's arguments (validated); undefined: all. */
  key(args: Record<string, unknown>): string | undefined;
  /** The field's value for one message, or undefined to skip (and log) an invalid message. */
  payload(value: unknown): Record<string, unknown> | undefined;
  /** Whether a (valid) message is for this subscriber; default: yes. */
  visibleTo?(payload: Record<string, unknown>, viewer: VerifiedToken): boolean;
  /** Checked once before subscribing: rejects if the subscriber may not follow this. */
  authorize?(args: Record<string, unknown>, query: QueryAsViewer): Promise<void>;
}

export const subscriptionFields: Record<string, SubscriptionField> = {
  jobUpdated: {
    topic: 'data.processing.progress',
    key: (args) => {
      const jobId = String(args.jobId ?? '');
      if (!isUuid(jobId)) throw badInput('`jobId` must be a UUID.', { jobId: jobId.slice(0, 64) });
      return jobId;
    },
    payload: (value) => {
      const event = progressEvent.safeParse(value);
      if (!event.success) return undefined;
      const { jobId, status, progress, rowsProcessed, message, occurredAt } = event.data;
      return { jobId, status, progress, rowsProcessed, message, occurredAt };
    },
    // Only a job the subscriber can see (their own; an admin any): the same rule as `job(id)`.
    authorize: async (args, query) => {
      const data = await query('query Subscription_authorize($id: ID!) { job(id: $id) { id } }', {
        id: args.jobId,
      });
      if (!data?.job) throw notFound('Job', String(args.jobId));
    },
  },
  datasetEvents: {
    topic: 'dataset.events',
    key: () => undefined,
    payload: (value) => {
      const event = datasetEvent.safeParse(value);
      return event.success ? event.data : undefined;
    },
    // A subscriber follows their own data sets.
    visibleTo: (payload, viewer) => payload.ownerId === viewer.userId,
  },
};

/** The topics the gateway's consumer must read. */
export const subscriptionTopics = [
  ...new Set(Object.values(subscriptionFields).map((f) => f.topic)),
];

/**
 * Fields of subscription payload types that are entities owned by a subgraph: resolved through
 * the supergraph with the given root query, so a subscriber can select any of their fields.
 */
export const entityFields: {
  type: string;
  field: string;
  rootField: string;
  idOf: (parent: Record<string, unknown>) => unknown;
}[] = [
  { type: 'JobProgressEvent', field: 'job', rootField: 'job', idOf: (event) => event.jobId },
  {
    type: 'DatasetEvent',
    field: 'dataset',
    rootField: 'dataset',
    idOf: (event) => (event.kind === 'DELETED' ? null : event.datasetId),
  },
];
