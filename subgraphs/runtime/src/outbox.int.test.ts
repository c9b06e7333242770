/**
 * The transactional outbox against the real PostgreSQL and Kafka: an event commits or rolls back
 * with its transaction; with Kafka unreachable nothing is lost and the rows wait; once Kafka is
 * reachable they go out in order and leave the table.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from './logger';
import { createProducer } from './kafka';
import { OutboxRelay, enqueueEvent } from './outbox';
import { withTransaction } from './postgres';

const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const schema = `outbox_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const topic = 'data.processing.progress';
const logger = createLogger('test', 'silent');
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL });
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.outbox (
    id bigserial PRIMARY KEY, topic text NOT NULL, key text NOT NULL, payload jsonb NOT NULL,
    headers jsonb NOT NULL DEFAULT '{}'::jsonb, created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0, last_error text)`);
});
afterAll(async () => {
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.end();
});

const pending = async () =>
  (await pool.query(`SELECT count(*)::int AS n FROM ${schema}.outbox`)).rows[0].n as number;

describe('transactional outbox', () => {
  it('an event rolls back with its transaction', async () => {
    await expect(
      withTransaction(pool, async (client) => {
        await enqueueEvent(client, schema, { topic, key: 'k', payload: { n: 1 } });
        throw new Error('the business write failed');
      }),
    ).rejects.toThrow('the business write failed');
    expect(await pending()).toBe(0);
  });

  it('keeps events while Kafka is unreachable, then publishes them in order and removes them', async () => {
    const key = randomUUID();
    await withTransaction(pool, async (client) => {
      for (let n = 0; n < 5; n += 1)
        await enqueueEvent(client, schema, { topic, key, payload: { n } });
    });

    const unreachable = createProducer(
      new Kafka({
        clientId: 'outbox-test-down',
        brokers: ['127.0.0.1:1'],
        logLevel: logLevel.NOTHING,
        retry: { retries: 1, initialRetryTime: 50 },
        connectionTimeout: 300,
      }),
    );
    const down = new OutboxRelay({ pool, schema, producer: unreachable, logger });
    await expect(down.publishBatch()).rejects.toThrow();
    expect(await pending()).toBe(5);
    const { rows } = await pool.query(
      `SELECT attempts, last_error FROM ${schema}.outbox ORDER BY id`,
    );
    expect(rows.every((r) => r.attempts === 1 && typeof r.last_error === 'string')).toBe(true);

    const kafka = new Kafka({ clientId: 'outbox-test', brokers, logLevel: logLevel.NOTHING });
    const producer = createProducer(kafka);
    const consumer = kafka.consumer({ groupId: `outbox-test-${randomUUID()}` });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    const received: number[] = [];
    const allReceived = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== key) return;
          received.push(JSON.parse(message.value!.toString()).n);
          if (received.length === 5) resolve();
        },
      });
    });
    await new Promise((r) => setTimeout(r, 1500)); // let the consumer join before publishing
    const relay = new OutboxRelay({ pool, schema, producer, logger, idleMs: 50 });
    await relay.start();
    await allReceived;
    await relay.stop();
    expect(received).toEqual([0, 1, 2, 3, 4]);
    expect(await pending()).toBe(0);
    await consumer.disconnect();
    await producer.disconnect();
  });

  it('refuses a schema name that could inject SQL', () => {
    expect(
      () => new OutboxRelay({ pool, schema: 'x; DROP TABLE y', producer: {} as never, logger }),
    ).toThrow(/invalid outbox schema/);
  });
});
