/**
 * Kafka stopped while a user completes an upload: the job is created all the same (the event waits
 * in the outbox, in the same transaction), and the data.ingestion event is delivered once the
 * broker is back. The broker is really stopped and started with the project's own scripts.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { GraphQLBody } from '../../runtime/test/graphql';
import { eventSchema, eventually, listen, startIngestion, type Harness } from '../test/support';

const INFRA = join(__dirname, '..', '..', '..', 'infra');
const infra = (script: string) =>
  execFileSync('bash', [join(INFRA, script), 'kafka'], { stdio: 'pipe', timeout: 120_000 });

let h: Harness;

beforeAll(async () => {
  h = await startIngestion({ UPLOAD_SWEEP_INTERVAL_SECONDS: '3600' });
});

afterAll(async () => {
  infra('start.sh'); // whatever happened, the broker is left running for the next suites
  await h?.close();
  // ...and able to serve consumer groups again before they start.
  const probe = await listen(h.env.KAFKA_BROKERS!, ['data.ingestion']);
  await probe.close();
}, 120_000);

const data = <T>(body: GraphQLBody, field: string): T => {
  expect(body.errors).toBeUndefined();
  return (body.data as Record<string, T>)[field]!;
};

it('completeUpload with Kafka down creates the job; its event goes out when Kafka is back', async () => {
  const user = await h.user();
  const bytes = Buffer.from('id,name\n1,Ada\n2,Grace\n');
  const upload = data<{ id: string; url: string }>(
    await user.gql(
      `mutation($size: Float!) {
        createUpload(fileName: "people.csv", contentType: "text/csv", sizeBytes: $size, sourceType: CSV) { id url }
      }`,
      { size: bytes.length },
    ),
    'createUpload',
  );
  const put = await fetch(upload.url, {
    method: 'PUT',
    headers: { 'content-type': 'text/csv' },
    body: bytes,
  });
  expect(put.status).toBe(200);

  infra('stop.sh');
  const job = data<{ id: string; status: string }>(
    await user.gql('mutation($id: ID!) { completeUpload(uploadId: $id) { id status } }', {
      id: upload.id,
    }),
    'completeUpload',
  );
  expect(job.status).toBe('QUEUED');
  const pending = async () =>
    Number(
      (
        await h.server.deps.pool.query(
          `SELECT count(*) AS n FROM ingestion.outbox WHERE topic = 'data.ingestion' AND key = $1`,
          [job.id],
        )
      ).rows[0].n,
    );
  expect(await pending()).toBe(1);

  infra('start.sh');
  await eventually('the outbox to publish the event', async () => (await pending()) === 0, 90_000);

  // Read the topic from the start with a new group: the event is there, exactly as the contract says.
  const kafka = new Kafka({
    clientId: 'kafka-outage-test',
    brokers: h.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `kafka-outage-${randomUUID()}` });
  const found: Record<string, unknown>[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: ['data.ingestion'], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() === job.id) found.push(JSON.parse(message.value!.toString()));
    },
  });
  try {
    await eventually('the event on data.ingestion', () => found.length > 0, 60_000);
    const validate = eventSchema('data.ingestion');
    expect(validate(found[0]) || validate.errors).toBe(true);
    expect(found[0]).toMatchObject({ jobId: job.id, userId: user.id, sizeBytes: bytes.length });
  } finally {
    await consumer.disconnect();
  }
});
