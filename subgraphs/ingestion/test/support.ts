/**
 * What the ingestion integration tests share: the subgraph started against the real local stack
 * with a test token issuer, GraphQL calls as a given user, a Kafka listener that records events
 * by topic, the JSON Schema validators of schema/events, and S3 look-ups.
 */
import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { createS3, type Principal } from '@platform/runtime';
import { migrate } from '../../../scripts/migrate.mjs';
import {
  postGraphQL,
  startTestIssuer,
  type GraphQLBody,
  type TestIssuer,
} from '../../runtime/test/graphql';
import { eventually, localStackEnv } from '../../runtime/test/local-stack';
import { start } from '../src/index';

export const MiB = 1024 * 1024;

export interface Harness {
  server: Awaited<ReturnType<typeof start>>;
  issuer: TestIssuer;
  env: Record<string, string>;
  s3: S3Client;
  bucket: string;
  /** A new user (an analyst unless said otherwise) and a function to call GraphQL as them. */
  user(principal?: Partial<Principal>): Promise<Caller>;
  close(): Promise<void>;
}

export interface Caller {
  id: string;
  gql(query: string, variables?: Record<string, unknown>): Promise<GraphQLBody>;
}

export async function startIngestion(extra: Record<string, string> = {}): Promise<Harness> {
  const env = localStackEnv();
  await migrate(env.DATABASE_URL!, { quiet: true });
  const issuer = await startTestIssuer();
  const serverEnv = {
    ...env,
    ...issuer.env,
    INGESTION_PORT: '0',
    LOG_LEVEL: 'silent',
    // Its own consumer groups: no other instance on this Kafka takes its events.
    KAFKA_GROUP_PREFIX: `test-${randomUUID().slice(0, 8)}-`,
    ...extra,
  };
  const server = await start(serverEnv, false);
  const s3 = createS3({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION!,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
  const users: string[] = [];
  return {
    server,
    issuer,
    env: serverEnv,
    s3,
    bucket: env.S3_RAW_BUCKET!,
    async user(principal = {}) {
      const id = principal.userId ?? randomUUID();
      users.push(id);
      const token = await issuer.token({ role: 'analyst', ...principal, userId: id });
      return { id, gql: (query, variables) => postGraphQL(server.url, query, variables, token) };
    },
    async close() {
      await server.deps.pool.query(
        'DELETE FROM ingestion.uploads WHERE owner_id = ANY($1::uuid[])',
        [users],
      );
      await server.deps.pool.query(
        'DELETE FROM ingestion.datasets WHERE owner_id = ANY($1::uuid[])',
        [users],
      );
      await server.close();
      await issuer.close();
      s3.destroy();
    },
  };
}

/** True when the object exists in S3. */
export async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

/** Records every message of `topics` from the moment it has joined; `waitFor` finds one. */
export async function listen(brokers: string, topics: string[]) {
  const kafka = new Kafka({
    clientId: 'ingestion-test',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer: Consumer = kafka.consumer({ groupId: `ingestion-test-${randomUUID()}` });
  const seen: { topic: string; key: string | null; value: Record<string, unknown> }[] = [];
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      seen.push({
        topic,
        key: message.key?.toString() ?? null,
        value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
      });
    },
  });
  await eventually('the test consumer to join', () => joined, 60_000);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return {
    seen,
    matching: (topic: string, predicate: (value: Record<string, unknown>) => boolean) =>
      seen.filter((m) => m.topic === topic && predicate(m.value)),
    async waitFor(
      topic: string,
      predicate: (value: Record<string, unknown>) => boolean,
      timeoutMs = 20_000,
    ) {
      await eventually(
        `an event on ${topic}`,
        () => seen.some((m) => m.topic === topic && predicate(m.value)),
        timeoutMs,
      );
      return seen.find((m) => m.topic === topic && predicate(m.value))!;
    },
    async produce(topic: string, key: string, value: unknown) {
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }],
      });
    },
    async close() {
      await producer.disconnect();
      await consumer.disconnect();
    },
  };
}
export type Listener = Awaited<ReturnType<typeof listen>>;

export { eventually };
export { eventSchema } from '../../../schema/test/event-schema';
