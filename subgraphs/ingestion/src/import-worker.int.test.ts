/**
 * The extraction of database imports (import-worker.ts) against the real local PostgreSQL as the
 * source (a database of its own, read by `import_test_reader`, a role infra/services/postgres.sh
 * creates), the real S3 and Kafka. Imports are queued through an instance that does not extract
 * (IMPORT_WORKER_ENABLED=false), so each test decides when, and by how many instances, they are
 * extracted: it starts its extracting instances after queueing.
 *
 * Expected values come from PostgreSQL itself (days since 1970, microseconds since 1970 from
 * `extract(epoch ...)`), not from the code under test.
 */
import { randomBytes } from 'node:crypto';
import {
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { ParquetReader } from '@dsnp/parquetjs';
import { getParquetTypeDataObject } from '@dsnp/parquetjs/dist/lib/types';
import pg from 'pg';
import { pino } from 'pino';
import { DATABASE_URL } from '../../runtime/test/graphql';
import { createExtractionStore } from './extraction-store';
import {
  eventSchema,
  eventually,
  listen,
  startIngestion,
  type Caller,
  type Harness,
  type Listener,
} from '../test/support';

const KEY = randomBytes(32).toString('base64');
const SOURCE_DB = `import_extract_${randomBytes(4).toString('hex')}`;
const PORT = Number(new URL(DATABASE_URL).port || 5432);
const READER = { user: 'import_test_reader', password: 'reader-secret-5f3a' };
const reader = () => ({ host: '127.0.0.1', port: PORT, database: SOURCE_DB, ...READER });

/** Instances share the key that seals the passwords; `extra` for their own settings. */
const instance = (extra: Record<string, string> = {}) =>
  startIngestion({
    IMPORT_CREDENTIALS_KEY: KEY,
    IMPORT_POLL_INTERVAL_MS: '200',
    UPLOAD_SWEEP_INTERVAL_SECONDS: '3600',
    ...extra,
  });

let queuer: Harness;
let events: Listener;
let source: pg.Client;

// Read timestamps back as the stored microseconds (the library's reader rounds to milliseconds).
getParquetTypeDataObject('TIMESTAMP_MICROS').fromPrimitive = (value: unknown) =>
  BigInt(value as bigint);

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
    CREATE TYPE mood AS ENUM ('calm', 'ünruhig');
    CREATE TABLE mixed (
      id integer PRIMARY KEY, small smallint, big bigint, real4 real, ratio double precision,
      amount numeric, note text, code varchar(10), letter char(3), sold_on date, local_at timestamp,
      sold_at timestamptz, paid boolean, doc json, extra jsonb, ref uuid, raw bytea, tags text[],
      feeling mood
    );
    INSERT INTO mixed VALUES
      (1, -32768, 9007199254740993, 3.14159, 0.1, 12345678901234567890.123456789012345678901,
       'Zürich — 東京 ✓ 🙂', 'abc', 'x', '2026-11-24', '1900-01-01 00:00:00.000001',
       '2026-11-24 10:15:30.123456+02', true, '{"big": 123456789012345678901234567890}',
       '{"a": [1, 2], "b": null}', '7d444840-9dc0-11d1-b245-5ffdce74fad2', '\\x00ff10',
       '{a,"b c"}', 'ünruhig'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL),
      (3, 32767, -9223372036854775808, 'NaN', '-Infinity', 'NaN', '', '', '', '1969-07-20',
       '1969-12-31 23:59:59.999999', '0044-03-15 12:00:00+00 BC', false, '[]', '"text"',
       '00000000-0000-0000-0000-000000000000', '\\x', '{}', 'calm'),
      (4, 0, 0, -0.0, 1e308, -0.000000000000000000001, 'line
break', 'z', 'yz', '4713-01-01 BC', 'infinity', '-infinity', true, 'null', '{}',
       'ffffffff-ffff-ffff-ffff-ffffffffffff', '\\xdeadbeef', '{NULL}', NULL);
    CREATE TABLE vanishing (id integer);
    INSERT INTO vanishing SELECT generate_series(1, 10);
    GRANT SELECT ON mixed, vanishing TO import_test_reader;
  `);
  queuer = await instance({ IMPORT_WORKER_ENABLED: 'false' });
  events = await listen(queuer.env.KAFKA_BROKERS!, ['dataset.events', 'data.ingestion']);
});

afterAll(async () => {
  await events?.close();
  await queuer?.close();
  await source?.end();
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${SOURCE_DB} WITH (FORCE)`);
  await admin.end();
});

const IMPORT = `mutation($connection: DatabaseConnectionInput!, $query: String!) {
  importFromDatabase(connection: $connection, query: $query) { id status dataset { id } }
}`;

interface Queued {
  jobId: string;
  datasetId: string;
  ownerId: string;
}

async function queue(caller: Caller, query: string): Promise<Queued> {
  const body = await caller.gql(IMPORT, { connection: reader(), query });
  expect(body.errors).toBeUndefined();
  const job = (body.data as { importFromDatabase: { id: string; dataset: { id: string } } })
    .importFromDatabase;
  return { jobId: job.id, datasetId: job.dataset.id, ownerId: caller.id };
}

async function stateOf(jobId: string) {
  const { rows } = await queuer.server.deps.pool.query(
    `SELECT j.status, j.progress, j.error_message, d.status AS dataset_status,
            d.error_message AS dataset_error, d.raw_bucket, d.raw_key, d.size_bytes::float8 AS size,
            (SELECT count(*) FROM ingestion.database_imports i WHERE i.job_id = j.id)::int
              AS import_rows
       FROM ingestion.jobs j JOIN ingestion.datasets d ON d.id = j.dataset_id
      WHERE j.id = $1`,
    [jobId],
  );
  return rows[0] as {
    status: string;
    progress: number;
    error_message: string | null;
    dataset_status: string;
    dataset_error: string | null;
    raw_bucket: string | null;
    raw_key: string | null;
    size: number;
    import_rows: number;
  };
}

/** Objects and unfinished multipart uploads under the owner's raw prefix. */
async function leftoversOf(ownerId: string) {
  const prefix = `raw/${ownerId}/`;
  const objects = await queuer.s3.send(
    new ListObjectsV2Command({ Bucket: queuer.bucket, Prefix: prefix }),
  );
  const uploads = await queuer.s3.send(
    new ListMultipartUploadsCommand({ Bucket: queuer.bucket, Prefix: prefix }),
  );
  return (objects.KeyCount ?? 0) + (uploads.Uploads?.length ?? 0);
}

/** The job ids an instance logged as extracted from now on (children share the root's stream). */
function captureExtractions(harness: Harness): string[] {
  const jobs: string[] = [];
  (harness.server.deps.logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
    write: (line: string) => {
      const entry = JSON.parse(line) as { msg?: string; jobId?: string };
      if (entry.msg === 'extracted an import' && entry.jobId) jobs.push(entry.jobId);
    },
  };
  return jobs;
}

async function readParquet(key: string) {
  const object = await queuer.s3.send(new GetObjectCommand({ Bucket: queuer.bucket, Key: key }));
  const reader = await ParquetReader.openBuffer(
    Buffer.from(await object.Body!.transformToByteArray()),
  );
  const rows: Record<string, unknown>[] = [];
  const cursor = reader.getCursor();
  for (let row = await cursor.next(); row; row = await cursor.next()) {
    rows.push(row as Record<string, unknown>);
  }
  const fields = reader.schema.fieldList.map((f) => [f.name, f.primitiveType, f.originalType]);
  await reader.close();
  return { rows, fields };
}

/** The source's rows as the Parquet file should hold them, computed by PostgreSQL. */
async function expectedMixed() {
  const micros = (column: string) =>
    `CASE WHEN isfinite(${column}) THEN (extract(epoch FROM ${column}) * 1000000)::numeric(30)::text END`;
  const { rows } = await source.query(`
    SELECT id, small, big::text AS big, real4::float8::text AS real4, ratio::text AS ratio,
           amount::text AS amount, note, code, letter,
           CASE WHEN isfinite(sold_on) THEN sold_on - date '1970-01-01' END AS sold_on,
           ${micros('local_at')} AS local_at, ${micros('sold_at')} AS sold_at, paid,
           doc::text AS doc, extra::text AS extra, ref::text AS ref, raw, tags::text AS tags,
           feeling::text AS feeling
      FROM mixed ORDER BY id`);
  return rows.map((r: Record<string, unknown>) => ({
    ...r,
    big: r.big === null ? null : BigInt(r.big as string),
    real4: r.real4 === null ? null : Number(r.real4),
    ratio: r.ratio === null ? null : Number(r.ratio),
    sold_on: r.sold_on === null ? null : new Date((r.sold_on as number) * 86_400_000),
    local_at: r.local_at === null ? null : BigInt(r.local_at as string),
    sold_at: r.sold_at === null ? null : BigInt(r.sold_at as string),
  }));
}

describe('an import that extracts', () => {
  it('lands a Parquet object equal to the source, the data set sized, and data.ingestion sent', async () => {
    const analyst = await queuer.user();
    const queued = await queue(analyst, 'SELECT * FROM mixed ORDER BY id');
    const key = `raw/${analyst.id}/${queued.jobId}.parquet`;

    const extractor = await instance();
    const event = await events
      .waitFor('data.ingestion', (e) => e.jobId === queued.jobId, 30_000)
      .finally(() => extractor.close());
    expect(event.key).toBe(queued.jobId);
    expect(eventSchema('data.ingestion')(event.value)).toBe(true);
    expect(event.value).toMatchObject({
      datasetId: queued.datasetId,
      userId: analyst.id,
      sourceType: 'PARQUET',
      rawObject: { bucket: queuer.bucket, key },
      version: 1,
    });

    // The job waits for the processor as PROCESSING, progress 0; the password is gone.
    const state = await stateOf(queued.jobId);
    expect(state).toMatchObject({
      status: 'PROCESSING',
      progress: 0,
      error_message: null,
      dataset_status: 'PROCESSING',
      raw_bucket: queuer.bucket,
      raw_key: key,
      import_rows: 0,
    });
    expect(state.size).toBe(event.value.sizeBytes);
    const processing = await events.waitFor(
      'dataset.events',
      (e) => e.datasetId === queued.datasetId && e.kind === 'PROCESSING',
    );
    expect(eventSchema('dataset.events')(processing.value)).toBe(true);

    const { rows, fields } = await readParquet(key);
    expect(fields).toEqual([
      ['id', 'INT32', undefined],
      ['small', 'INT32', undefined],
      ['big', 'INT64', undefined],
      ['real4', 'FLOAT', undefined],
      ['ratio', 'DOUBLE', undefined],
      ['amount', 'BYTE_ARRAY', 'UTF8'],
      ['note', 'BYTE_ARRAY', 'UTF8'],
      ['code', 'BYTE_ARRAY', 'UTF8'],
      ['letter', 'BYTE_ARRAY', 'UTF8'],
      ['sold_on', 'INT32', 'DATE'],
      ['local_at', 'INT64', 'TIMESTAMP_MICROS'],
      ['sold_at', 'INT64', 'TIMESTAMP_MICROS'],
      ['paid', 'BOOLEAN', undefined],
      ['doc', 'BYTE_ARRAY', 'UTF8'],
      ['extra', 'BYTE_ARRAY', 'UTF8'],
      ['ref', 'BYTE_ARRAY', 'UTF8'],
      ['raw', 'BYTE_ARRAY', undefined],
      ['tags', 'BYTE_ARRAY', 'UTF8'],
      ['feeling', 'BYTE_ARRAY', 'UTF8'],
    ]);
    expect(rows).toEqual(await expectedMixed());
    expect(rows[0]!.amount).toBe('12345678901234567890.123456789012345678901');
    expect(rows[0]!.note).toBe('Zürich — 東京 ✓ 🙂');
  });

  it('two instances never extract the same import twice', async () => {
    const first = await instance({ LOG_LEVEL: 'info' });
    const second = await instance({ LOG_LEVEL: 'info' });
    const extractedBy = [first, second].map((h) => captureExtractions(h));
    try {
      const analyst = await queuer.user();
      const queued: Queued[] = [];
      for (let i = 0; i < 6; i += 1) {
        // pg_sleep: each extraction lasts long enough for both instances to take a share.
        queued.push(
          await queue(analyst, `SELECT id, note, pg_sleep(0.1) FROM mixed WHERE id > ${i % 3}`),
        );
      }
      const ids = new Set(queued.map((q) => q.jobId));
      await eventually(
        'every import to be handed over',
        () => events.matching('data.ingestion', (e) => ids.has(e.jobId as string)).length >= 6,
        30_000,
      );
      // A second extraction would come after the first: give it the time to show.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const { jobId } of queued) {
        expect(events.matching('data.ingestion', (e) => e.jobId === jobId)).toHaveLength(1);
        expect(await stateOf(jobId)).toMatchObject({ status: 'PROCESSING', import_rows: 0 });
      }
      const ours = extractedBy.map((jobs) => jobs.filter((id) => ids.has(id)));
      expect(ours[0]!.length).toBeGreaterThan(0);
      expect(ours[1]!.length).toBeGreaterThan(0);
      expect(ours[0]!.length + ours[1]!.length).toBe(6);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('an import that fails: job and data set FAILED, nothing in S3, the password gone', () => {
  async function expectFailed(queued: Queued, reason: RegExp) {
    await eventually(
      'the import to fail',
      async () => (await stateOf(queued.jobId)).status === 'FAILED',
      30_000,
    );
    const state = await stateOf(queued.jobId);
    expect(state).toMatchObject({ dataset_status: 'FAILED', import_rows: 0, raw_key: null });
    expect(state.error_message).toMatch(reason);
    expect(state.dataset_error).toBe(state.error_message);
    expect(state.error_message).not.toContain(READER.password);
    expect(state.error_message).not.toMatch(/\bat \S+ \(|\bat \/|node_modules/);
    const failed = await events.waitFor(
      'dataset.events',
      (e) => e.datasetId === queued.datasetId && e.kind === 'FAILED',
    );
    expect(eventSchema('dataset.events')(failed.value)).toBe(true);
    expect(failed.value).toMatchObject({ status: 'FAILED', jobId: queued.jobId });
    expect(failed.value.message).toBe(state.error_message);
    expect(await leftoversOf(queued.ownerId)).toBe(0);
    expect(events.matching('data.ingestion', (e) => e.jobId === queued.jobId)).toHaveLength(0);
  }

  it('a table dropped after queueing, and a query that fails after 2000 rows', async () => {
    const analyst = await queuer.user();
    const vanished = await queue(analyst, 'SELECT * FROM vanishing');
    await source.query('DROP TABLE vanishing');
    const other = await queuer.user();
    const midway = await queue(
      other,
      'SELECT i, 1 / (2500 - i) AS x, repeat(md5(i::text), 20) AS pad FROM generate_series(1, 5000) AS i',
    );
    const extractor = await instance();
    try {
      await expectFailed(
        vanished,
        /^The query failed on the source database: relation "vanishing" does not exist$/,
      );
      await expectFailed(midway, /^The query failed on the source database: division by zero$/);
    } finally {
      await extractor.close();
    }
  });

  it('more rows than IMPORT_MAX_ROWS', async () => {
    const analyst = await queuer.user();
    const queued = await queue(analyst, 'SELECT i FROM generate_series(1, 5000) AS i');
    const extractor = await instance({ IMPORT_MAX_ROWS: '2500' });
    try {
      await expectFailed(
        queued,
        /^The query returns more than 2500 rows, the most one import may hold: narrow it with WHERE or LIMIT\.$/,
      );
    } finally {
      await extractor.close();
    }
  });

  it('a larger file than IMPORT_MAX_BYTES', async () => {
    const analyst = await queuer.user();
    const queued = await queue(
      analyst,
      'SELECT repeat(md5(i::text), 100) FROM generate_series(1, 3000) AS i',
    );
    const extractor = await instance({ IMPORT_MAX_BYTES: String(64 * 1024) });
    try {
      await expectFailed(
        queued,
        /^The extracted data is larger than 65536 bytes, the most one import may hold/,
      );
    } finally {
      await extractor.close();
    }
  });
});

describe('an import whose password does not open', () => {
  it('fails with a reason once the credentials key changed', async () => {
    const analyst = await queuer.user();
    const queued = await queue(analyst, 'SELECT id FROM mixed');
    const extractor = await instance({
      IMPORT_CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    });
    try {
      await eventually(
        'the import to fail',
        async () => (await stateOf(queued.jobId)).status === 'FAILED',
        30_000,
      );
      expect(await stateOf(queued.jobId)).toMatchObject({
        import_rows: 0,
        error_message:
          'The saved password could not be read (the credentials key changed): import again.',
      });
    } finally {
      await extractor.close();
    }
  });
});

describe('a worker that stops without a word (its lease runs out)', () => {
  /** Claims the import as a worker would, then does nothing more: a crashed process. */
  async function crashAfterClaiming(queued: Queued) {
    const store = createExtractionStore(queuer.server.deps.pool, Buffer.from(KEY, 'base64'));
    const claim = await store.claim(1, 10);
    expect(claim?.jobId).toBe(queued.jobId);
    expect(claim?.connection?.password).toBe(READER.password);
    expect(await stateOf(queued.jobId)).toMatchObject({ status: 'PROCESSING', import_rows: 1 });
  }

  it('another instance takes the import over and extracts it once', async () => {
    const analyst = await queuer.user();
    const queued = await queue(analyst, 'SELECT id FROM mixed');
    await crashAfterClaiming(queued);
    const extractor = await instance();
    try {
      await events.waitFor('data.ingestion', (e) => e.jobId === queued.jobId, 30_000);
      expect(await stateOf(queued.jobId)).toMatchObject({ status: 'PROCESSING', import_rows: 0 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(events.matching('data.ingestion', (e) => e.jobId === queued.jobId)).toHaveLength(1);
    } finally {
      await extractor.close();
    }
  });

  it('after IMPORT_MAX_ATTEMPTS such attempts the import fails', async () => {
    const analyst = await queuer.user();
    const queued = await queue(analyst, 'SELECT id FROM mixed');
    await crashAfterClaiming(queued);
    const extractor = await instance({ IMPORT_MAX_ATTEMPTS: '1' });
    try {
      await eventually(
        'the import to fail',
        async () => (await stateOf(queued.jobId)).status === 'FAILED',
        30_000,
      );
      expect(await stateOf(queued.jobId)).toMatchObject({
        dataset_status: 'FAILED',
        import_rows: 0,
        error_message: expect.stringMatching(
          /^The extraction was cut short once \(the service running it stopped\): import again\.$/,
        ),
      });
      expect(await leftoversOf(analyst.id)).toBe(0);
    } finally {
      await extractor.close();
    }
  });
});
