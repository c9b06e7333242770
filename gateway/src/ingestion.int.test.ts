/**
 * Getting data in, end to end through the gateway: real files sent to presigned S3 URLs with a
 * plain HTTP client, the schema-valid data.ingestion event, processing events fed into Kafka as the
 * processor would, and the job and the graphql-ws subscriptions following them, with fields from
 * other subgraphs. A subscriber sees only their own jobs and data sets.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import WebSocket from 'ws';
import pg from 'pg';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3 } from '@platform/runtime';
import { localStackEnv } from '../../subgraphs/runtime/test/local-stack';
import { eventSchema } from '../../schema/test/event-schema';
import {
  eventually,
  post,
  startPlatform,
  type TestPlatform,
  type TestUser,
} from '../test/platform';

const stack = localStackEnv();
const brokers = stack.KAFKA_BROKERS!.split(',');
const DATA_BUCKET = stack.S3_DATA_BUCKET!;
let pool: pg.Pool;
let s3: S3Client;
let platform: TestPlatform;
let owner: TestUser;
let ownerToken: string;
let producer: Producer;
let consumer: Consumer;
const ingested: Record<string, unknown>[] = [];

beforeAll(async () => {
  platform = await startPlatform();
  pool = new pg.Pool({ connectionString: stack.DATABASE_URL, max: 2 });
  s3 = createS3({
    endpoint: stack.S3_ENDPOINT,
    region: stack.S3_REGION!,
    accessKeyId: stack.S3_ACCESS_KEY_ID,
    secretAccessKey: stack.S3_SECRET_ACCESS_KEY,
  });
  owner = await platform.createUser('analyst');
  ownerToken = await platform.login(owner);
  const kafka = new Kafka({ clientId: 'ingestion-flow-test', brokers, logLevel: logLevel.NOTHING });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  consumer = kafka.consumer({ groupId: `ingestion-flow-${randomUUID()}` });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topics: ['data.ingestion'], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      ingested.push(JSON.parse(message.value!.toString()) as Record<string, unknown>);
    },
  });
  await eventually('the test consumer to join', () => joined, 30_000);
  await eventually('the gateway consumer to join', () => platform.gateway.bus.ready, 30_000);
});

afterAll(async () => {
  await pool?.query('DELETE FROM ingestion.datasets WHERE owner_id = $1', [owner?.id]);
  await pool?.end();
  s3?.destroy();
  await consumer?.disconnect();
  await producer?.disconnect();
  await platform?.stop();
});

const gql = async (token: string, query: string, variables?: Record<string, unknown>) =>
  (await post(platform.graphqlUrl, { query, variables }, { authorization: `Bearer ${token}` }))
    .body;

function subscriber(token: string): Client {
  return createClient({
    url: platform.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: () => ({ authorization: `Bearer ${token}` }),
  });
}

/**
 * Collects a subscription's results. A refusal arrives as one result with `errors` (graphql-ws
 * sends what `subscribe` returned, then completes); `error` holds a transport failure.
 */
function follow(client: Client, query: string, variables?: Record<string, unknown>) {
  const results: {
    data?: Record<string, unknown>;
    errors?: { extensions?: { code?: string } }[];
  }[] = [];
  const state: { error?: unknown } = {};
  client.subscribe(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (value) => void results.push(value as never),
      error: (error) => (state.error = error),
      complete: () => undefined,
    },
  );
  return { results, state };
}

const CREATE = `mutation($fileName: String!, $contentType: String!, $sizeBytes: Float!, $sourceType: SourceType!) {
  createUpload(fileName: $fileName, contentType: $contentType, sizeBytes: $sizeBytes, sourceType: $sourceType) {
    id method url headers { name value }
  }
}`;

async function uploadCsv(token: string, bytes: Buffer) {
  const created = await gql(token, CREATE, {
    fileName: 'orders.csv',
    contentType: 'text/csv',
    sizeBytes: bytes.length,
    sourceType: 'CSV',
  });
  expect(created.errors).toBeUndefined();
  const upload = (
    created.data as {
      createUpload: { id: string; url: string; headers: { name: string; value: string }[] };
    }
  ).createUpload;
  const put = await fetch(upload.url, {
    method: 'PUT',
    headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])),
    body: bytes,
  });
  expect(put.status).toBe(200);
  const completed = await gql(
    token,
    'mutation($id: ID!) { completeUpload(uploadId: $id) { id status dataset { id name } } }',
    { id: upload.id },
  );
  expect(completed.errors).toBeUndefined();
  return (
    completed.data as {
      completeUpload: { id: string; status: string; dataset: { id: string; name: string } };
    }
  ).completeUpload;
}

const objectExists = (bucket: string, key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );

async function send(topic: string, key: string, value: unknown) {
  await producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(value) }] });
}

it('an uploaded CSV becomes a queued job; processing events move the job and both subscriptions', async () => {
  const feed = subscriber(ownerToken);
  const datasets = follow(
    feed,
    `subscription { datasetEvents { kind status dataset { name status rowCount owner { email } } } }`,
  );
  await eventually('the datasetEvents subscription', () => platform.gateway.bus.size === 1);

  const bytes = Buffer.from('order_id,amount\n1,10.5\n2,99.0\n3,7.25\n');
  const job = await uploadCsv(ownerToken, bytes);
  expect(job.status).toBe('QUEUED');
  expect(job.dataset.name).toBe('orders.csv');

  await eventually(
    'the data.ingestion event',
    () => ingested.some((e) => e.jobId === job.id),
    20_000,
  );
  const event = ingested.find((e) => e.jobId === job.id)!;
  const validate = eventSchema('data.ingestion');
  expect(validate(event) || validate.errors).toBe(true);
  expect(event).toMatchObject({
    datasetId: job.dataset.id,
    userId: owner.id,
    sizeBytes: bytes.length,
  });

  const progress = follow(
    subscriber(ownerToken),
    `subscription($id: ID!) { jobUpdated(jobId: $id) { status progress job { status dataset { name } } } }`,
    { id: job.id },
  );
  await eventually('the jobUpdated subscription', () => platform.gateway.bus.size === 2);

  const base = { occurredAt: new Date().toISOString(), jobId: job.id, datasetId: job.dataset.id };
  await send('data.processing.progress', job.id, {
    ...base,
    eventId: randomUUID(),
    status: 'PROCESSING',
    progress: 50,
    rowsProcessed: 2,
  });
  await eventually('progress delivered', () => progress.results.length === 1, 20_000);
  // Progress and completion travel on different topics, which Kafka does not order between
  // them: like the processor, send the completion once the progress has been applied.
  await eventually(
    'PROCESSING announced',
    () =>
      datasets.results.some(
        (r) => (r.data?.datasetEvents as { kind?: string })?.kind === 'PROCESSING',
      ),
    20_000,
  );
  expect(progress.results[0]!.data!.jobUpdated).toMatchObject({
    status: 'PROCESSING',
    progress: 50,
  });

  await send('data.processing.complete', job.id, {
    ...base,
    eventId: randomUUID(),
    version: 1,
    rowCount: 3,
    columnCount: 2,
    output: { bucket: 'analytics-data', prefix: `datasets/${job.dataset.id}/v1/` },
    processingTimeMs: 12,
  });
  await eventually(
    'READY announced',
    () =>
      datasets.results.some((r) => (r.data!.datasetEvents as { kind: string }).kind === 'READY'),
    20_000,
  );
  expect(datasets.results.map((r) => r.data!.datasetEvents)).toEqual([
    {
      kind: 'CREATED',
      status: 'PENDING',
      dataset: expect.objectContaining({ name: 'orders.csv', owner: { email: owner.email } }),
    },
    {
      kind: 'PROCESSING',
      status: 'PROCESSING',
      dataset: expect.objectContaining({ name: 'orders.csv' }),
    },
    {
      kind: 'READY',
      status: 'READY',
      dataset: { name: 'orders.csv', status: 'READY', rowCount: 3, owner: { email: owner.email } },
    },
  ]);
  const now = await gql(ownerToken, 'query($id: ID!) { job(id: $id) { status progress } }', {
    id: job.id,
  });
  expect(now.data).toEqual({ job: { status: 'COMPLETED', progress: 100 } });
  await feed.dispose();
});

it("another user can neither follow the job nor see the data set's events", async () => {
  const job = await uploadCsv(ownerToken, Buffer.from('a,b\n1,2\n'));
  const intruder = await platform.createUser('analyst');
  const token = await platform.login(intruder);
  const client = subscriber(token);
  const refused = follow(client, `subscription($id: ID!) { jobUpdated(jobId: $id) { progress } }`, {
    id: job.id,
  });
  const feed = follow(client, 'subscription { datasetEvents { kind datasetId } }');
  await eventually('the refusal', () => refused.results.length > 0, 10_000);
  expect(refused.results[0]!.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect(refused.results[0]!.data ?? null).toBeNull();

  await send('data.processing.progress', job.id, {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    jobId: job.id,
    datasetId: job.dataset.id,
    status: 'PROCESSING',
    progress: 10,
  });
  const mine = await uploadCsv(token, Buffer.from('x\n1\n'));
  await eventually('their own data set', () => feed.results.length > 0, 20_000);
  expect(
    feed.results.map((r) => (r.data!.datasetEvents as { datasetId: string }).datasetId),
  ).toEqual([mine.dataset.id]);
  expect(
    (await gql(token, 'query($id: ID!) { dataset(id: $id) { id } }', { id: job.dataset.id })).data,
  ).toEqual({ dataset: null });
  await client.dispose();
});

it('a viewer calling an analyst mutation gets 403 FORBIDDEN and nothing is created', async () => {
  const viewer = await platform.createUser('viewer');
  const token = await platform.login(viewer);
  const response = await post(
    platform.graphqlUrl,
    {
      query: CREATE,
      variables: { fileName: 'a.csv', contentType: 'text/csv', sizeBytes: 10, sourceType: 'CSV' },
    },
    { authorization: `Bearer ${token}` },
  );
  expect(response.status).toBe(403);
  expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

describe('deleteDataset', () => {
  const DELETE = 'mutation($id: ID!) { deleteDataset(id: $id) { datasetId deletedAt } }';

  it("removes the files and every service's rows, and says so on datasetEvents", async () => {
    const job = await uploadCsv(ownerToken, Buffer.from('k,v\n1,2\n'));
    const datasetId = job.dataset.id;
    const { rows } = await pool.query(
      'SELECT raw_bucket, raw_key FROM ingestion.datasets WHERE id = $1',
      [datasetId],
    );
    const raw = rows[0] as { raw_bucket: string; raw_key: string };
    const processed = `datasets/${datasetId}/v1/part-0.parquet`;
    await s3.send(
      new PutObjectCommand({ Bucket: DATA_BUCKET, Key: processed, Body: 'PAR1....PAR1' }),
    );
    const userId = owner.id;
    await pool.query(
      `INSERT INTO quality.profiles (dataset_id, version, row_count, column_count, size_bytes, quality_score)
       VALUES ($1, 1, 1, 2, 8, 0.9)`,
      [datasetId],
    );
    await pool.query(
      `INSERT INTO query.queries (user_id, dataset_id, question, generated_sql, engine)
       VALUES ($1, $2, 'how many?', 'SELECT 1', 'test')`,
      [userId, datasetId],
    );
    await pool.query(
      `INSERT INTO ml.models (dataset_id, user_id, target_column, problem_type) VALUES ($1, $2, 'v', 'REGRESSION')`,
      [datasetId, userId],
    );
    await pool.query(
      `INSERT INTO insights.insights (dataset_id, kind, title, description) VALUES ($1, 'TREND', 'Up', 'Going up')`,
      [datasetId],
    );
    const { rows: boards } = await pool.query(
      `INSERT INTO dashboards.dashboards (owner_id, name) VALUES ($1, 'Board') RETURNING id`,
      [userId],
    );
    const dashboardId = (boards[0] as { id: string }).id;
    await pool.query(
      `INSERT INTO dashboards.visualizations (dashboard_id, chart_type, dataset_id, query, position)
       VALUES ($1, 'BAR', $2, 'SELECT 1', '{"x":0,"y":0,"width":6,"height":4}')`,
      [dashboardId, datasetId],
    );

    const feed = subscriber(ownerToken);
    const events = follow(
      feed,
      'subscription { datasetEvents { kind datasetId status dataset { id } } }',
    );
    await eventually('the subscription', () => platform.gateway.bus.size >= 1);

    // Someone else cannot delete it, nor can a malformed id reach SQL.
    const intruder = await platform.login(await platform.createUser('analyst'));
    expect((await gql(intruder, DELETE, { id: datasetId })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await gql(ownerToken, DELETE, { id: "x' OR 1=1 --" })).errors?.[0]?.extensions?.code,
    ).toBe('BAD_USER_INPUT');

    const deleted = await gql(ownerToken, DELETE, { id: datasetId });
    expect(deleted.errors).toBeUndefined();
    expect((deleted.data as { deleteDataset: { datasetId: string } }).deleteDataset.datasetId).toBe(
      datasetId,
    );
    expect(await objectExists(raw.raw_bucket, raw.raw_key)).toBe(false);
    expect(await objectExists(DATA_BUCKET, processed)).toBe(false);
    const left = async () => {
      const { rows: counts } = await pool.query(
        `SELECT (SELECT count(*) FROM ingestion.datasets WHERE id = $1)
              + (SELECT count(*) FROM ingestion.jobs WHERE dataset_id = $1)
              + (SELECT count(*) FROM quality.profiles WHERE dataset_id = $1)
              + (SELECT count(*) FROM query.queries WHERE dataset_id = $1)
              + (SELECT count(*) FROM ml.models WHERE dataset_id = $1)
              + (SELECT count(*) FROM insights.insights WHERE dataset_id = $1)
              + (SELECT count(*) FROM dashboards.visualizations WHERE dataset_id = $1) AS n`,
        [datasetId],
      );
      return Number((counts[0] as { n: string }).n);
    };
    await eventually('every service to delete its rows', async () => (await left()) === 0, 30_000);
    await eventually(
      'DELETED on datasetEvents',
      () =>
        events.results.some(
          (r) => (r.data?.datasetEvents as { kind?: string })?.kind === 'DELETED',
        ),
      20_000,
    );
    const last = events.results.at(-1)!.data!.datasetEvents;
    expect(last).toEqual({ kind: 'DELETED', datasetId, status: null, dataset: null });
    // The dashboard itself stays; only the chart of the deleted data set went.
    expect(
      (await pool.query('SELECT 1 FROM dashboards.dashboards WHERE id = $1', [dashboardId]))
        .rowCount,
    ).toBe(1);
    // Deleting again: it is gone.
    expect((await gql(ownerToken, DELETE, { id: datasetId })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    await pool.query('DELETE FROM dashboards.dashboards WHERE id = $1', [dashboardId]);
    await feed.dispose();
  });
});
