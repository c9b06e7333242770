/**
 * importFromDatabase against the real local PostgreSQL as the source: a database of its own
 * (`import_source_<random>`, created by the platform role, which has CREATEDB) with a table of
 * mixed types, read by `import_test_reader` (SELECT only) and `import_test_writer` (SELECT and
 * INSERT), the two plain roles infra/services/postgres.sh creates for these tests.
 *
 * Feature: ai-analytics-platform, Property 2: Database connection validation — for any database
 * connection credentials, the Platform should validate the connection before attempting data
 * extraction, and only extract data if validation succeeded.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import pg from 'pg';
import { pino } from 'pino';
import { DATABASE_URL, type GraphQLBody } from '../../runtime/test/graphql';
import {
  eventSchema,
  listen,
  startIngestion,
  type Caller,
  type Harness,
  type Listener,
} from '../test/support';
import { open } from './credentials-key';
import { connectSource, checkSource } from './source-database';

const KEY = randomBytes(32);
const SOURCE_DB = `import_source_${randomBytes(4).toString('hex')}`;
const PLATFORM = new URL(DATABASE_URL);
const PORT = Number(PLATFORM.port || 5432);
const READER = { user: 'import_test_reader', password: 'reader-secret-5f3a' };
const WRITER = { user: 'import_test_writer', password: 'writer-secret-9b2e' };
const CONNECT_TIMEOUT_MS = 1500;

let h: Harness;
let events: Listener;
let source: pg.Client;
let silent: Server;
const sockets = new Set<Socket>();
/** Everything the service logged while the tests ran (LOG_LEVEL trace). */
const logged: string[] = [];

const reader = () => ({ host: '127.0.0.1', port: PORT, database: SOURCE_DB, ...READER });

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${SOURCE_DB}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${SOURCE_DB}`;
  source = new pg.Client({ connectionString: url.href });
  await source.connect();
  await source.query(`
    CREATE TABLE sales (
      id integer PRIMARY KEY, big bigint, ratio double precision, amount numeric(12, 2),
      note text, sold_on date, sold_at timestamptz, paid boolean, extra jsonb, ref uuid
    );
    INSERT INTO sales VALUES
      (1, 9007199254740993, 0.5, 1234.56, 'Zürich — 東京 ✓', '2026-11-24', '2026-11-24T10:15:30Z',
       true, '{"a": [1, 2]}', '7d444840-9dc0-11d1-b245-5ffdce74fad2'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (3, -1, -2.25, -0.01, '', '1999-12-31', '1999-12-31T23:59:59.999Z', false, '[]', NULL);
    CREATE TABLE secrets (id integer);
    GRANT SELECT ON sales TO import_test_reader, import_test_writer;
    GRANT INSERT, UPDATE ON sales TO import_test_writer;
  `);
  // Accepts TCP connections and never answers: a server that hangs.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));

  h = await startIngestion({
    IMPORT_CREDENTIALS_KEY: KEY.toString('base64'),
    IMPORT_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    LOG_LEVEL: 'trace',
    UPLOAD_SWEEP_INTERVAL_SECONDS: '3600',
    // These tests look at imports as they are queued; import-worker.int.test.ts extracts them.
    IMPORT_WORKER_ENABLED: 'false',
  });
  captureLogs(h.server.deps.logger);
  events = await listen(h.env.KAFKA_BROKERS!, ['dataset.events', 'data.ingestion']);
});

afterAll(async () => {
  await events?.close();
  await h?.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await source?.end();
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${SOURCE_DB} WITH (FORCE)`);
  await admin.end();
});

/** From now on, the service's log lines go to `logged` (children share the root's stream). */
function captureLogs(logger: object) {
  (logger as Record<symbol, unknown>)[pino.symbols.streamSym] = {
    write: (line: string) => logged.push(line),
  };
}

const IMPORT = `mutation($connection: DatabaseConnectionInput!, $query: String!, $name: String) {
  importFromDatabase(connection: $connection, query: $query, name: $name) {
    id type status progress
    dataset { id name sourceType status owner { id } }
  }
}`;

interface Job {
  id: string;
  type: string;
  status: string;
  progress: number;
  dataset: { id: string; name: string; sourceType: string; status: string; owner: { id: string } };
}

async function rowsOf(ownerId: string) {
  const { rows } = await h.server.deps.pool.query(
    `SELECT (SELECT count(*) FROM ingestion.datasets WHERE owner_id = $1)::int AS datasets,
            (SELECT count(*) FROM ingestion.jobs WHERE owner_id = $1)::int AS jobs,
            (SELECT count(*) FROM ingestion.database_imports i JOIN ingestion.jobs j
               ON j.id = i.job_id WHERE j.owner_id = $1)::int AS imports`,
    [ownerId],
  );
  return rows[0] as { datasets: number; jobs: number; imports: number };
}

async function objectsOf(ownerId: string) {
  const listed = await h.s3.send(
    new ListObjectsV2Command({ Bucket: h.bucket, Prefix: `raw/${ownerId}/` }),
  );
  return listed.KeyCount ?? 0;
}

const importAs = (
  caller: Caller,
  connection: Record<string, unknown>,
  query = 'SELECT * FROM sales',
  name?: string,
) => caller.gql(IMPORT, { connection, query, ...(name ? { name } : {}) });

/** The first error has `code` and a message matching `message`; no stack, host internals, data. */
function expectRefusal(body: GraphQLBody, code: string, message: RegExp) {
  expect(body.data).toBeNull();
  const [error] = body.errors ?? [];
  expect(error?.extensions?.code).toBe(code);
  expect(error?.message).toMatch(message);
  expect(error?.extensions).toHaveProperty('requestId');
  expect(JSON.stringify(body)).not.toMatch(/\bat \S+ \(|\bat \/|node_modules|stacktrace/i);
}

describe('an import that passes validation', () => {
  it('returns a queued INGESTION job at once, with a pending DATABASE data set', async () => {
    const analyst = await h.user();
    const body = await importAs(analyst, reader(), 'SELECT * FROM sales ORDER BY id;');
    expect(body.errors).toBeUndefined();
    const job = (body.data as { importFromDatabase: Job }).importFromDatabase;
    expect(job).toMatchObject({
      type: 'INGESTION',
      status: 'QUEUED',
      progress: 0,
      dataset: {
        name: `${SOURCE_DB} query`,
        sourceType: 'DATABASE',
        status: 'PENDING',
        owner: { id: analyst.id },
      },
    });
    expect(await rowsOf(analyst.id)).toEqual({ datasets: 1, jobs: 1, imports: 1 });

    // The connection is kept with the password sealed to this job; it opens with the key.
    const { rows } = await h.server.deps.pool.query(
      'SELECT * FROM ingestion.database_imports WHERE job_id = $1',
      [job.id],
    );
    const stored = rows[0];
    expect(stored).toMatchObject({
      host: '127.0.0.1',
      port: PORT,
      database_name: SOURCE_DB,
      user_name: READER.user,
      ssl: false,
      query: 'SELECT * FROM sales ORDER BY id;',
    });
    expect(JSON.stringify(stored)).not.toContain(READER.password);
    const sealed = {
      ciphertext: stored.password_ciphertext,
      iv: stored.password_iv,
      tag: stored.password_tag,
    };
    expect(open(KEY, sealed, job.id)).toBe(READER.password);
    expect(() => open(KEY, sealed, randomUUID())).toThrow();

    const created = await events.waitFor('dataset.events', (e) => e.datasetId === job.dataset.id);
    expect(eventSchema('dataset.events')(created.value)).toBe(true);
    expect(created.value).toMatchObject({ kind: 'CREATED', status: 'PENDING', jobId: job.id });
  });

  it('takes the name given, and a WITH query', async () => {
    const analyst = await h.user();
    const body = await importAs(
      analyst,
      reader(),
      'WITH recent AS (SELECT * FROM sales WHERE id > 1) SELECT id, note FROM recent',
      'Recent sales',
    );
    expect(body.errors).toBeUndefined();
    expect((body.data as { importFromDatabase: Job }).importFromDatabase.dataset.name).toBe(
      'Recent sales',
    );
  });
});

describe('refused before anything is stored: no data set, no job, no event, nothing in S3', () => {
  let hanging: () => Record<string, unknown>;
  beforeAll(() => {
    const { port } = silent.address() as { port: number };
    hanging = () => ({ ...reader(), port });
  });

  const cases: [string, () => Record<string, unknown>, string, string, RegExp][] = [
    [
      'a wrong password',
      () => ({ ...reader(), password: `wrong-${randomUUID()}` }),
      'SELECT * FROM sales',
      'BAD_USER_INPUT',
      /refused this user name and password/,
    ],
    [
      'an unknown user',
      () => ({ ...reader(), user: `nobody_${randomUUID().slice(0, 8)}` }),
      'SELECT * FROM sales',
      'BAD_USER_INPUT',
      /refused this user name and password/,
    ],
    [
      'an unknown database',
      () => ({ ...reader(), database: 'no_such_database' }),
      'SELECT * FROM sales',
      'BAD_USER_INPUT',
      /There is no database "no_such_database"/,
    ],
    [
      'a port nothing listens on',
      () => ({ ...reader(), port: 1 }),
      'SELECT * FROM sales',
      'UPSTREAM_UNAVAILABLE',
      /Nothing accepts connections at 127\.0\.0\.1:1/,
    ],
    [
      'a server that accepts and never answers',
      () => hanging(),
      'SELECT * FROM sales',
      'UPSTREAM_UNAVAILABLE',
      /did not answer within 1\.5 s/,
    ],
    [
      'a role that may write to the table read',
      () => ({ ...reader(), ...WRITER }),
      'SELECT * FROM sales',
      'BAD_USER_INPUT',
      /can change data \(it may write to public\.sales\): use a read-only role/,
    ],
    [
      'a role that may create databases (the platform role)',
      () => ({
        ...reader(),
        user: decodeURIComponent(PLATFORM.username),
        password: decodeURIComponent(PLATFORM.password),
      }),
      'SELECT * FROM sales',
      'BAD_USER_INPUT',
      /has CREATEDB, .*use a read-only role|its role has CREATEDB\): use a read-only role/,
    ],
    ['DELETE', () => reader(), 'DELETE FROM sales', 'BAD_USER_INPUT', /starts with DELETE/],
    [
      'a second statement',
      () => reader(),
      'SELECT 1; DROP TABLE sales',
      'BAD_USER_INPUT',
      /one SELECT statement; the query has 2/,
    ],
    [
      'a data-modifying WITH',
      () => reader(),
      'WITH gone AS (DELETE FROM sales RETURNING *) SELECT * FROM gone',
      'BAD_USER_INPUT',
      /changes data/,
    ],
    [
      'an unknown table',
      () => reader(),
      'SELECT * FROM nope',
      'BAD_USER_INPUT',
      /does not run on the source database: relation "nope" does not exist/,
    ],
    [
      'a table the role may not read',
      () => reader(),
      'SELECT * FROM secrets',
      'BAD_USER_INPUT',
      /permission denied for table secrets/,
    ],
    [
      'a URL as the host',
      () => ({ ...reader(), host: `postgres://127.0.0.1:${PORT}/${SOURCE_DB}` }),
      'SELECT * FROM sales',
      'BAD_USER_INPUT',
      /host name or an IP address/,
    ],
    [
      'a port out of range',
      () => ({ ...reader(), port: 70000 }),
      'SELECT * FROM sales',
      'BAD_USER_INPUT',
      /1 to 65535/,
    ],
  ];

  it.each(cases)('%s', async (_name, connection, query, code, message) => {
    const caller = await h.user();
    const sent = connection();
    const body = await importAs(caller, sent, query);
    expectRefusal(body, code, message);
    expect(JSON.stringify(body)).not.toContain(String(sent.password));
    expect(await rowsOf(caller.id)).toEqual({ datasets: 0, jobs: 0, imports: 0 });
    expect(await objectsOf(caller.id)).toBe(0);
    expect(events.matching('dataset.events', (e) => e.ownerId === caller.id)).toHaveLength(0);
  });

  it('the source is untouched by every refused query', async () => {
    const { rows } = await source.query('SELECT count(*)::int AS n FROM sales');
    expect(rows[0].n).toBe(3);
  });

  it('a write hidden from the text check is refused by the plan check, and nothing runs', async () => {
    const client = await connectSource(
      { ...reader(), ...WRITER, ssl: false },
      { connectMs: 2000, statementMs: 5000 },
    );
    try {
      await expect(
        checkSource(
          client,
          'WITH added AS (INSERT INTO sales (id) VALUES (99) RETURNING *) SELECT * FROM added',
        ),
      ).rejects.toThrow(/changes data/);
      await expect(checkSource(client, 'SELECT * FROM sales FOR UPDATE')).rejects.toThrow(
        /locks rows/,
      );
    } finally {
      await client.end();
    }
    const { rows } = await source.query('SELECT count(*)::int AS n FROM sales');
    expect(rows[0].n).toBe(3);
  });

  it('a viewer may not import: FORBIDDEN', async () => {
    const viewer = await h.user({ role: 'viewer' });
    const body = await importAs(viewer, reader());
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await rowsOf(viewer.id)).toEqual({ datasets: 0, jobs: 0, imports: 0 });
  });
});

describe('Property 2: database connection validation', () => {
  it('an import is queued (and could extract) only when its connection validated', async () => {
    const caller = await h.user();
    let queued = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          user: fc.oneof(
            fc.constant(READER.user),
            fc.constant(WRITER.user),
            fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
          ),
          password: fc.oneof(
            fc.constant(READER.password),
            fc.string({ minLength: 1, maxLength: 40 }),
          ),
          database: fc.oneof(fc.constant(SOURCE_DB), fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/)),
        }),
        async (credentials) => {
          const valid =
            credentials.user === READER.user &&
            credentials.password === READER.password &&
            credentials.database === SOURCE_DB;
          const body = await importAs(caller, { ...reader(), ...credentials });
          if (valid) {
            expect(body.errors).toBeUndefined();
            queued += 1;
          } else {
            expect(body.data).toBeNull();
            expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
            if (credentials.password.length >= 8) {
              expect(JSON.stringify(body)).not.toContain(credentials.password);
            }
          }
          // Rows (and so extraction, which works from them) exist exactly for the valid ones.
          expect(await rowsOf(caller.id)).toEqual({
            datasets: queued,
            jobs: queued,
            imports: queued,
          });
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('the password is never logged', () => {
  it('not in any line the service wrote, accepted or refused', async () => {
    const caller = await h.user();
    const wrong = `wrong-${randomUUID()}`;
    await importAs(caller, { ...reader(), password: wrong });
    await importAs(caller, reader());
    await importAs(caller, { ...reader(), password: wrong, port: 1 });
    await importAs(caller, reader(), 'SELECT * FROM nope');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('')).toContain('queued a database import');
    for (const secret of [wrong, READER.password, WRITER.password]) {
      expect(logged.join('')).not.toContain(secret);
    }
  });
});
