/**
 * The gateway against the real stack: one operation crossing two subgraphs from PostgreSQL rows, a
 * Kafka message reaching a graphql-ws subscriber, and nothing held after the subscriber leaves.
 *
 * Feature: ai-analytics-platform, Property 27: WebSocket connection and subscription
 * Feature: ai-analytics-platform, Property 28: Message forwarding
 * Feature: ai-analytics-platform, Property 30: Connection cleanup
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { DATABASE_URL, eventually, post, startPlatform, type TestPlatform } from '../test/platform';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
let platform: TestPlatform;
let pool: pg.Pool;
let producer: Producer;
/** The data set owner's bearer token: every operation but sign-in needs one. */
let auth: Record<string, string>;

const user = { id: randomUUID(), email: `owner-${randomUUID().slice(0, 8)}@example.com` };
const dataset = { id: randomUUID(), name: `sales-${randomUUID().slice(0, 8)}.csv` };
const job = { id: randomUUID() };

beforeAll(async () => {
  platform = await startPlatform();
  auth = {
    authorization: `Bearer ${await platform.issue({ userId: user.id, role: 'analyst', tier: 'free' })}`,
  };
  pool = new pg.Pool({ connectionString: DATABASE_URL });
  await pool.query(
    `INSERT INTO identity.users (id, email, role, tier) VALUES ($1, $2, 'analyst', 'free')`,
    [user.id, user.email],
  );
  await pool.query(
    `INSERT INTO ingestion.datasets (id, owner_id, name, source_type, status, size_bytes)
     VALUES ($1, $2, $3, 'CSV', 'PROCESSING', 2048)`,
    [dataset.id, user.id, dataset.name],
  );
  await pool.query(
    `INSERT INTO ingestion.jobs (id, dataset_id, owner_id, type, status, progress)
     VALUES ($1, $2, $3, 'PROCESSING', 'PROCESSING', 10)`,
    [job.id, dataset.id, user.id],
  );
  producer = new Kafka({ clientId: 'gateway-test', brokers, logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  await eventually(
    'the gateway consumer to join its group',
    () => platform.gateway.bus.ready,
    30_000,
  );
});

afterAll(async () => {
  await producer?.disconnect();
  await pool?.query('DELETE FROM ingestion.datasets WHERE id = $1', [dataset.id]);
  await pool?.query('DELETE FROM identity.users WHERE id = $1', [user.id]);
  await pool?.end();
  await platform?.stop();
});

function progressEvent(progress: number) {
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    jobId: job.id,
    datasetId: dataset.id,
    status: 'PROCESSING',
    progress,
    rowsProcessed: progress * 1000,
    message: 'Decoding CSV',
  };
}

async function produce(value: unknown, key = job.id) {
  await producer.send({
    topic: 'data.processing.progress',
    acks: -1,
    messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }],
  });
}

function wsClient(): Client {
  return createClient({
    url: platform.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: () => ({ authorization: auth.authorization }),
  });
}

describe('queries through the gateway', () => {
  it('returns a Dataset with its owner, resolved by ingestion and identity from PostgreSQL', async () => {
    const { status, body } = await post(
      platform.graphqlUrl,
      {
        query: `query DatasetWithOwner($id: ID!) {
        dataset(id: $id) { id name sourceType status sizeBytes owner { id email role } }
      }`,
        variables: { id: dataset.id },
      },
      auth,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      dataset: {
        id: dataset.id,
        name: dataset.name,
        sourceType: 'CSV',
        status: 'PROCESSING',
        sizeBytes: 2048,
        owner: { id: user.id, email: user.email, role: 'ANALYST' },
      },
    });
  });

  it('lists datasets with a cursor and refuses a page over the maximum', async () => {
    const ok = await post(
      platform.graphqlUrl,
      {
        query: `{ datasets(first: 100, ownerId: "${user.id}") { edges { node { name owner { email } } } pageInfo { hasNextPage } } }`,
      },
      auth,
    );
    expect(ok.body.data).toEqual({
      datasets: {
        edges: [{ node: { name: dataset.name, owner: { email: user.email } } }],
        pageInfo: { hasNextPage: false },
      },
    });
    const tooMany = await post(
      platform.graphqlUrl,
      {
        query: '{ datasets(first: 101) { edges { cursor } } }',
      },
      auth,
    );
    expect(tooMany.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(tooMany.body.errors?.[0]?.message).toMatch(/between 1 and 100/);
  });

  it('answers a subscription sent over HTTP with a clear error', async () => {
    const { status, body } = await post(
      platform.graphqlUrl,
      {
        query: `subscription { jobUpdated(jobId: "${job.id}") { progress } }`,
      },
      auth,
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/WebSocket/),
      extensions: {
        code: 'BAD_USER_INPUT',
        requestId: expect.any(String),
        timestamp: expect.any(String),
      },
    });
  });

  it('counts every operation in /metrics by name', async () => {
    await post(platform.graphqlUrl, { query: 'query MetricsProbe { __typename }' }, auth);
    const text = await (await fetch(`${platform.gateway.url}/metrics`)).text();
    expect(text).toMatch(/graphql_operations_total\{[^}]*operation="MetricsProbe"[^}]*\} 1/);
    expect(text).toMatch(/graphql_operation_duration_seconds_count\{[^}]*operation="MetricsProbe"/);
  });
});

describe('subscriptions fed from Kafka', () => {
  it('delivers a data.processing.progress message to the subscriber, with fields from other subgraphs', async () => {
    const client = wsClient();
    const received: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        {
          query: `subscription Progress($jobId: ID!) {
            jobUpdated(jobId: $jobId) {
              jobId status progress rowsProcessed message
              job { id dataset { name owner { email } } }
            }
          }`,
          variables: { jobId: job.id },
        },
        {
          next: (value) => {
            received.push(value);
            resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await eventually('the subscription to register', () => platform.gateway.bus.size === 1);
    await produce('{ this is not json');
    await produce({ ...progressEvent(30), progress: 130 });
    await produce(progressEvent(40));
    await done;
    expect(received[0]).toEqual({
      data: {
        jobUpdated: {
          jobId: job.id,
          status: 'PROCESSING',
          progress: 40,
          rowsProcessed: 40000,
          message: 'Decoding CSV',
          job: { id: job.id, dataset: { name: dataset.name, owner: { email: user.email } } },
        },
      },
    });

    await client.dispose();
    await eventually(
      'the gateway to release the subscription',
      () => platform.gateway.bus.size === 0,
    );
    const metrics = await (await fetch(`${platform.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_subscriptions_active\{[^}]*\} 0/);
  });

  it("does not deliver another job's messages", async () => {
    const client = wsClient();
    const otherJob = randomUUID();
    const received: { data?: { jobUpdated: { progress: number } } }[] = [];
    const first = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription { jobUpdated(jobId: "${job.id}") { progress } }` },
        {
          next: (v) => (received.push(v as never), resolve()),
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await eventually('the subscription to register', () => platform.gateway.bus.size === 1);
    await produce({ ...progressEvent(55), jobId: otherJob }, otherJob);
    await produce(progressEvent(60));
    await first;
    expect(received.map((r) => r.data?.jobUpdated.progress)).toEqual([60]);
    await client.dispose();
    await eventually('release', () => platform.gateway.bus.size === 0);
  });

  it('refuses a malformed jobId with BAD_USER_INPUT and registers nothing', async () => {
    const client = wsClient();
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: 'subscription { jobUpdated(jobId: "../../etc/passwd") { progress } }' },
        { next: (v) => resolve(v), error: resolve, complete: () => undefined },
      );
    });
    expect(JSON.stringify(error)).toMatch(/BAD_USER_INPUT/);
    expect(JSON.stringify(error)).not.toMatch(/node_modules|\bat \w+ \(/);
    expect(platform.gateway.bus.size).toBe(0);
    await client.dispose();
  });
});

describe('bad HTTP input gets the GraphQL-over-HTTP answer, a stable code and no internals', () => {
  const noInternals = (text: string) => {
    expect(text).not.toMatch(/node_modules|\n\s+at |127\.0\.0\.1:\d+|SELECT /);
  };

  it('malformed JSON body: 400 BAD_USER_INPUT', async () => {
    const response = await fetch(platform.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ __typename ',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    noInternals(text);
    expect(JSON.parse(text).errors[0]).toMatchObject({
      message: 'The request body is not valid JSON.',
      extensions: { code: 'BAD_USER_INPUT', requestId: expect.any(String) },
    });
  });

  it('a body over the size limit: 413 BAD_USER_INPUT', async () => {
    const response = await fetch(platform.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ __typename }`,
        variables: { pad: 'x'.repeat(2 * 1024 * 1024) },
      }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('wrong content type: refused (CSRF prevention), never executed', async () => {
    const response = await fetch(platform.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { __typename }' }),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    noInternals(text);
  });

  it('unknown field: 400 with the validation message and BAD_USER_INPUT', async () => {
    const { status, body } = await post(
      platform.graphqlUrl,
      {
        query: '{ dataset(id: "x") { nope } }',
      },
      auth,
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/Cannot query field "nope" on type "Dataset"/),
      extensions: {
        code: 'BAD_USER_INPUT',
        requestId: expect.any(String),
        timestamp: expect.any(String),
      },
    });
  });

  it('a hostile id reaches no SQL: BAD_USER_INPUT, data null, the request id echoed in the header', async () => {
    const response = await fetch(platform.graphqlUrl, {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/json',
        'x-request-id': 'test-request-0001',
      },
      body: JSON.stringify({ query: `{ dataset(id: "1' OR '1'='1") { name } }` }),
    });
    expect(response.headers.get('x-request-id')).toBe('test-request-0001');
    const text = await response.text();
    noInternals(text);
    expect(JSON.parse(text)).toMatchObject({
      data: { dataset: null },
      errors: [{ extensions: { code: 'BAD_USER_INPUT', requestId: 'test-request-0001' } }],
    });
  });
});

describe('operation limits (graphql-armor) refuse hostile operations before planning', () => {
  const refused = async (body: unknown, pattern: RegExp) => {
    const { status, body: result } = await post(platform.graphqlUrl, body, auth);
    expect(status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringMatching(pattern),
      extensions: { code: 'BAD_USER_INPUT', requestId: expect.any(String) },
    });
    expect(JSON.stringify(result)).not.toMatch(/node_modules|\n\s+at /);
  };

  it('2,000 aliases', async () => {
    const fields = Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(' ');
    await refused({ query: `{ ${fields} }` }, /alias|token/i);
  });

  it('depth 200', async () => {
    let selection = 'id';
    for (let i = 0; i < 100; i += 1) selection = `jobs { dataset { ${selection} } }`;
    await refused(
      { query: `{ dataset(id: "${dataset.id}") { ${selection} } }` },
      /depth|token|cost/i,
    );
  });

  it('100 aliased login mutations in one request', async () => {
    const logins = Array.from(
      { length: 100 },
      (_, i) => `l${i}: login(email: "${user.email}", password: "guess-${i}") { token }`,
    ).join(' ');
    await refused({ query: `mutation { ${logins} }` }, /alias|token/i);
  });

  it('a query just over the depth limit, and a fragment cycle hiding depth', async () => {
    await refused(
      {
        query: `{ dataset(id: "${dataset.id}") { jobs { dataset { jobs { dataset { jobs { dataset { jobs { dataset { jobs { dataset { jobs { id } } } } } } } } } } } } }`,
      },
      /depth/i,
    );
    await refused(
      {
        query: `query { dataset(id: "${dataset.id}") { ...A } } fragment A on Dataset { jobs { dataset { ...A } } }`,
      },
      /cycle|depth|spread/i,
    );
  });

  it('a batched request (a JSON array) is refused: every operation is counted on its own', async () => {
    const response = await fetch(platform.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/node_modules|\n\s+at /);
  });

  it('a 5 MB query body: 413', async () => {
    const response = await fetch(platform.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${'__typename '.repeat(500_000)}}` }),
    });
    expect(response.status).toBe(413);
  });

  it('an ordinary app query passes the limits', async () => {
    const { body } = await post(
      platform.graphqlUrl,
      {
        query: `{ datasets(first: 20) { edges { cursor node { id name sourceType status sizeBytes rowCount columnCount createdAt owner { id email } } } pageInfo { hasNextPage endCursor } } }`,
      },
      auth,
    );
    expect(body.errors).toBeUndefined();
  });
});
