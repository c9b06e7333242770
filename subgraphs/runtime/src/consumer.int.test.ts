/**
 * The background consumer against the real Kafka: a crash that kafkajs will not restart (a
 * non-retriable error, as a broker fenced under load gives) does not end consumption; a new
 * consumer takes over and the message that crashed it is handled again.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, KafkaJSNonRetriableError, logLevel } from 'kafkajs';
import { createLogger } from './logger';
import { runConsumerInBackground, type RunningConsumer } from './consumer';
import { eventually } from '../test/local-stack';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = 'dashboard.updates';
const kafka = new Kafka({ clientId: 'consumer-test', brokers, logLevel: logLevel.NOTHING });

describe('background consumer', () => {
  let consumer: RunningConsumer | undefined;
  afterEach(async () => {
    await consumer?.stop();
  });

  it('starts a new consumer after a crash kafkajs does not restart, and loses nothing', async () => {
    const key = randomUUID();
    const warmUp = randomUUID();
    let crashes = 0;
    let warmedUp = false;
    const handled: string[] = [];
    const groupId = `test-${randomUUID().slice(0, 8)}-consumer`;
    consumer = runConsumerInBackground({
      kafka,
      groupId,
      topics: [topic],
      fromBeginning: false,
      logger: createLogger('test', 'silent'),
      handle: async (message) => {
        if (message.key === warmUp) warmedUp = true;
        if (message.key !== key) return;
        if (crashes === 0) {
          crashes += 1;
          throw new KafkaJSNonRetriableError('simulated: not the coordinator, given up');
        }
        handled.push(message.offset);
      },
    });
    await eventually('the consumer joins its group', () => consumer!.ready, 30_000);
    const producer = kafka.producer();
    await producer.connect();
    try {
      // A first message gives the group a committed offset on the partition both messages go
      // to, as a running service's group has.
      const send = (k: string) =>
        producer.send({
          topic,
          messages: [{ key: k, value: JSON.stringify({ k }), partition: 0 }],
        });
      await send(warmUp);
      await eventually('the first message handled', () => warmedUp, 30_000);
      const admin = kafka.admin();
      await admin.connect();
      try {
        await eventually(
          'its offset committed',
          async () => {
            const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
            return (offsets?.partitions ?? []).some(
              (p) => p.partition === 0 && Number(p.offset) >= 0,
            );
          },
          30_000,
        );
      } finally {
        await admin.disconnect();
      }
      await send(key);
    } finally {
      await producer.disconnect();
    }
    await eventually('the message handled by a new consumer', () => handled.length > 0, 45_000);
    expect(crashes).toBe(1);
    expect(handled).toHaveLength(1);
  });
});
