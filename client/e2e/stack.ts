/**
 * The parts of the local stack an end-to-end test reaches directly, beside the platform: Kafka (to
 * listen to the processor's events and to announce a deletion) and S3 (to check and remove what a
 * test uploaded).
 * Defaults are infra/env.sh's; the same variables override them.
 */
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';

const env = process.env;

export const KAFKA_BROKERS = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export async function connectProducer(clientId: string): Promise<Producer> {
  const kafka = new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return producer;
}

/** One JSON event, keyed as the topic's contract says (schema/events/*.schema.json). */
export async function produce(
  producer: Producer,
  topic: string,
  key: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(payload) }] });
}

/** Every event published on `topics` from now on, parsed, until `stop`. */
export async function listen(
  clientId: string,
  topics: string[],
): Promise<{ events: Record<string, unknown>[]; stop: () => Promise<void> }> {
  const kafka = new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `${clientId}-${Date.now().toString(36)}` });
  const events: Record<string, unknown>[] = [];
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      events.push(JSON.parse(message.value?.toString('utf8') ?? '{}') as Record<string, unknown>);
    },
  });
  const deadline = Date.now() + 30_000;
  while (!joined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!joined) throw new Error(`the ${clientId} listener did not join its group`);
  return { events, stop: () => consumer.disconnect() };
}

export function connectS3(): S3Client {
  return new S3Client({
    region: env.S3_REGION ?? 'us-east-1',
    endpoint: env.S3_ENDPOINT ?? `http://127.0.0.1:${env.S3_PORT ?? '7070'}`,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.S3_ACCESS_KEY_ID ?? 'platform-local',
      secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? 'platform-local-secret-key',
    },
  });
}

export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
