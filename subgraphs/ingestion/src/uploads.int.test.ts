/**
 * Uploads through presigned URLs against the real S3 server (which verifies SigV4), PostgreSQL and
 * Kafka: files sent with a plain HTTP client, what S3 itself refuses, what completeUpload refuses,
 * and that a refusal leaves no data set, job, event or object behind.
 *
 * Feature: ai-analytics-platform, Property 1: File upload returns unique job ID — for any valid
 * file upload (CSV, JSON, or Parquet), the Platform should store the file in S3 and return a unique
 * Job identifier that differs from all previously generated Job identifiers.
 * Feature: ai-analytics-platform, Property 3: Large file non-blocking upload — for any file upload
 * exceeding 100MB, the Platform should accept the upload request and return a response within 1
 * second, processing the file asynchronously.
 */
import { randomBytes } from 'node:crypto';
import { ListPartsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { expectBadInput, type GraphQLBody } from '../../runtime/test/graphql';
import {
  MiB,
  eventSchema,
  exists,
  listen,
  startIngestion,
  type Caller,
  type Harness,
  type Listener,
} from '../test/support';
import { createIngestionStore } from './store';
import { createUploadStore } from './upload-store';
import { createUploads } from './uploads';

const APP_ORIGIN = 'http://127.0.0.1:4999';
let h: Harness;
let events: Listener;
let analyst: Caller;

beforeAll(async () => {
  h = await startIngestion({
    // Small thresholds so multipart is exercised with files of a few MiB.
    UPLOAD_SINGLE_PUT_MAX_BYTES: String(1 * MiB),
    UPLOAD_PART_BYTES: String(5 * MiB),
    // One part URL up front: the others come from uploadPartUrls, as for any large file.
    UPLOAD_PART_URLS_UP_FRONT: '1',
    UPLOAD_SWEEP_INTERVAL_SECONDS: '3600',
    UPLOAD_CORS_ORIGINS: APP_ORIGIN,
  });
  events = await listen(h.env.KAFKA_BROKERS!, ['data.ingestion', 'dataset.events']);
  analyst = await h.user();
});

afterAll(async () => {
  await events?.close();
  await h?.close();
});

const CREATE = `mutation($fileName: String!, $contentType: String!, $sizeBytes: Float!, $sourceType: SourceType!) {
  createUpload(fileName: $fileName, contentType: $contentType, sizeBytes: $sizeBytes, sourceType: $sourceType) {
    id fileName sourceType sizeBytes method url partSizeBytes partCount expiresAt
    parts { partNumber url sizeBytes }
    headers { name value }
  }
}`;
const COMPLETE = `mutation($uploadId: ID!, $parts: [UploadedPart!]) {
  completeUpload(uploadId: $uploadId, parts: $parts) {
    id type status progress dataset { id name sourceType status sizeBytes owner { id } }
  }
}`;
const ABORT = `mutation($uploadId: ID!) { abortUpload(uploadId: $uploadId) }`;
const PART_URLS = `mutation($uploadId: ID!, $partNumbers: [Int!]!) {
  uploadPartUrls(uploadId: $uploadId, partNumbers: $partNumbers) {
    parts { partNumber url sizeBytes }
    expiresAt
  }
}`;

interface Upload {
  id: string;
  method: 'SINGLE_PUT' | 'MULTIPART';
  url: string | null;
  sizeBytes: number;
  parts: Part[];
  partSizeBytes: number | null;
  partCount: number;
  headers: { name: string; value: string }[];
  expiresAt: string;
}
interface Part {
  partNumber: number;
  url: string;
  sizeBytes: number;
}
interface Job {
  id: string;
  type: string;
  status: string;
  progress: number;
  dataset: {
    id: string;
    name: string;
    sourceType: string;
    status: string;
    sizeBytes: number;
    owner: { id: string };
  };
}

const ok = <T>(body: GraphQLBody, field: string): T => {
  expect(body.errors).toBeUndefined();
  return (body.data as Record<string, T>)[field]!;
};

const TYPES = {
  CSV: 'text/csv',
  JSON: 'application/json',
  PARQUET: 'application/vnd.apache.parquet',
};

async function createUpload(
  caller: Caller,
  bytes: Buffer,
  sourceType: keyof typeof TYPES = 'CSV',
  fileName = `data.${sourceType.toLowerCase()}`,
): Promise<Upload> {
  return ok<Upload>(
    await caller.gql(CREATE, {
      fileName,
      contentType: TYPES[sourceType],
      sizeBytes: bytes.length,
      sourceType,
    }),
    'createUpload',
  );
}

/** Every part of a multipart upload: those createUpload gave, then the rest from uploadPartUrls. */
async function allParts(caller: Caller, upload: Upload): Promise<Part[]> {
  const missing = Array.from({ length: upload.partCount }, (_, i) => i + 1).filter(
    (n) => !upload.parts.some((p) => p.partNumber === n),
  );
  const more =
    missing.length === 0
      ? []
      : ok<{ parts: Part[] }>(
          await caller.gql(PART_URLS, { uploadId: upload.id, partNumbers: missing }),
          'uploadPartUrls',
        ).parts;
  return [...upload.parts, ...more].sort((a, b) => a.partNumber - b.partNumber);
}

/** Sends the bytes as a browser would: straight to S3, parts in parallel. Returns the part ETags. */
async function send(upload: Upload, bytes: Buffer, caller: Caller = analyst) {
  if (upload.method === 'SINGLE_PUT') {
    const response = await fetch(upload.url!, {
      method: 'PUT',
      headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])),
      body: bytes,
    });
    expect(response.status).toBe(200);
    return undefined;
  }
  let offset = 0;
  const slices = (await allParts(caller, upload)).map((part) => {
    const slice = bytes.subarray(offset, offset + part.sizeBytes);
    offset += part.sizeBytes;
    return { part, slice };
  });
  return Promise.all(
    slices.map(async ({ part, slice }) => {
      const response = await fetch(part.url, { method: 'PUT', body: slice });
      expect(response.status).toBe(200);
      return { partNumber: part.partNumber, etag: response.headers.get('etag')! };
    }),
  );
}

async function uploadFile(caller: Caller, bytes: Buffer, sourceType: keyof typeof TYPES = 'CSV') {
  const upload = await createUpload(caller, bytes, sourceType);
  const parts = await send(upload, bytes, caller);
  return {
    upload,
    job: ok<Job>(await caller.gql(COMPLETE, { uploadId: upload.id, parts }), 'completeUpload'),
  };
}

const csv = (rows = 100) =>
  Buffer.from(
    [
      'region,amount,sold_at',
      ...Array.from(
        { length: rows },
        (_, i) => `north,${i * 3.5},2026-11-${String((i % 28) + 1).padStart(2, '0')}`,
      ),
    ].join('\n'),
  );

/** A file that starts and ends with PAR1 (the sniff checks the magic; the processor parses). */
const parquetLike = (size: number) => {
  const bytes = randomBytes(size);
  bytes.write('PAR1', 0, 'ascii');
  bytes.write('PAR1', size - 4, 'ascii');
  return bytes;
};

/** The uploads service of the running subgraph, but with URLs that expire after one second. */
const shortLivedUploads = () =>
  createUploads({
    s3: h.s3,
    bucket: h.bucket,
    limits: { maxBytes: 10 * MiB, singlePutMaxBytes: MiB, partBytes: 5 * MiB },
    urlTtlSeconds: 1,
    partUrlsUpFront: 8,
    store: createUploadStore(h.server.deps.pool),
    ingestion: createIngestionStore(h.server.deps.pool),
    logger: h.server.deps.logger,
  });

async function uploadRow(id: string) {
  const { rows } = await h.server.deps.pool.query('SELECT * FROM ingestion.uploads WHERE id = $1', [
    id,
  ]);
  return rows[0] as { status: string; object_key: string; rejection: string | null };
}

async function countsFor(ownerId: string) {
  const { rows } = await h.server.deps.pool.query(
    `SELECT (SELECT count(*) FROM ingestion.datasets WHERE owner_id = $1)::int AS datasets,
            (SELECT count(*) FROM ingestion.jobs WHERE owner_id = $1)::int AS jobs`,
    [ownerId],
  );
  return rows[0] as { datasets: number; jobs: number };
}

describe('uploads that work', () => {
  it('a CSV in one presigned PUT: data set, queued job and a schema-valid data.ingestion event', async () => {
    const bytes = csv();
    const { upload, job } = await uploadFile(analyst, bytes);
    expect(upload.method).toBe('SINGLE_PUT');
    expect(job).toMatchObject({
      type: 'INGESTION',
      status: 'QUEUED',
      progress: 0,
      dataset: {
        name: 'data.csv',
        sourceType: 'CSV',
        status: 'PENDING',
        sizeBytes: bytes.length,
        owner: { id: analyst.id },
      },
    });
    const row = await uploadRow(upload.id);
    expect(row.status).toBe('COMPLETED');
    expect(row.object_key).toBe(`raw/${analyst.id}/${upload.id}.csv`);
    expect(await exists(h.s3, h.bucket, row.object_key)).toBe(true);

    const message = await events.waitFor('data.ingestion', (e) => e.jobId === job.id);
    expect(message.key).toBe(job.id);
    const validate = eventSchema('data.ingestion');
    expect(validate(message.value) || validate.errors).toBe(true);
    expect(message.value).toMatchObject({
      datasetId: job.dataset.id,
      userId: analyst.id,
      sourceType: 'CSV',
      rawObject: { bucket: h.bucket, key: row.object_key },
      sizeBytes: bytes.length,
      version: 1,
    });
    const created = await events.waitFor('dataset.events', (e) => e.datasetId === job.dataset.id);
    expect(created.value).toMatchObject({
      kind: 'CREATED',
      status: 'PENDING',
      ownerId: analyst.id,
      jobId: job.id,
    });
    expect(eventSchema('dataset.events')(created.value)).toBe(true);
  });

  it('JSON lines, and a Parquet file in multipart with its parts sent in parallel', async () => {
    const json = Buffer.from('{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n');
    expect((await uploadFile(analyst, json, 'JSON')).job.dataset.sourceType).toBe('JSON');

    const bytes = parquetLike(11 * MiB + 123);
    const upload = await createUpload(analyst, bytes, 'PARQUET');
    expect(upload).toMatchObject({ method: 'MULTIPART', partCount: 3, partSizeBytes: 5 * MiB });
    const parts = await allParts(analyst, upload);
    expect(parts.map((p) => p.sizeBytes)).toEqual([5 * MiB, 5 * MiB, MiB + 123]);
    const etags = await send({ ...upload, parts }, bytes);
    const job = ok<Job>(
      await analyst.gql(COMPLETE, { uploadId: upload.id, parts: etags }),
      'completeUpload',
    );
    expect(job.dataset).toMatchObject({ sourceType: 'PARQUET', sizeBytes: bytes.length });
    await events.waitFor('data.ingestion', (e) => e.jobId === job.id);
  });

  it('completeUpload twice, even at the same moment, gives the same job and one data set', async () => {
    const bytes = csv(10);
    const upload = await createUpload(analyst, bytes);
    await send(upload, bytes);
    const before = await countsFor(analyst.id);
    const [a, b] = await Promise.all([
      analyst.gql(COMPLETE, { uploadId: upload.id }),
      analyst.gql(COMPLETE, { uploadId: upload.id }),
    ]);
    const again = await analyst.gql(COMPLETE, { uploadId: upload.id });
    const ids = [a, b, again].map((body) => ok<Job>(body, 'completeUpload').id);
    expect(new Set(ids).size).toBe(1);
    expect(await countsFor(analyst.id)).toEqual({
      datasets: before.datasets + 1,
      jobs: before.jobs + 1,
    });
    await events.waitFor('data.ingestion', (e) => e.jobId === ids[0]);
    expect(events.matching('data.ingestion', (e) => e.jobId === ids[0])).toHaveLength(1);
  });

  it('Property 1: every upload gets a job id never seen before', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<keyof typeof TYPES>('CSV', 'JSON'),
        fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 20 }),
        async (sourceType, values) => {
          const bytes = Buffer.from(
            sourceType === 'CSV'
              ? `value\n${values.join('\n')}`
              : JSON.stringify(values.map((v) => ({ v }))),
          );
          const { job } = await uploadFile(analyst, bytes, sourceType);
          expect(seen.has(job.id)).toBe(false);
          seen.add(job.id);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('Property 3: a file over 100 MB is accepted at once as a multipart plan; no byte passes the API', async () => {
    const defaults = await startIngestion({ UPLOAD_SWEEP_INTERVAL_SECONDS: '3600' });
    try {
      const caller = await defaults.user();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 100 * 1000 * 1000 + 1, max: 10 * 1024 * MiB }),
          async (size) => {
            const body = await caller.gql(CREATE, {
              fileName: 'big.parquet',
              contentType: TYPES.PARQUET,
              sizeBytes: size,
              sourceType: 'PARQUET',
            });
            const upload = ok<Upload>(body, 'createUpload');
            expect(upload.method).toBe('MULTIPART');
            expect(upload.partCount).toBeLessThanOrEqual(10_000);
            // A few URLs up front whatever the size; the last part has the rest of the bytes.
            expect(upload.parts.map((p) => p.partNumber)).toEqual(
              Array.from({ length: Math.min(8, upload.partCount) }, (_, i) => i + 1),
            );
            const { parts: last } = ok<{ parts: Part[] }>(
              await caller.gql(PART_URLS, { uploadId: upload.id, partNumbers: [upload.partCount] }),
              'uploadPartUrls',
            );
            expect(last[0]!.sizeBytes + upload.partSizeBytes! * (upload.partCount - 1)).toBe(size);
            const allButLast = upload.parts.filter((p) => p.partNumber < upload.partCount);
            expect(allButLast.every((p) => p.sizeBytes === upload.partSizeBytes)).toBe(true);
            // Asynchronous: nothing is stored until the client sends it, and completing now is refused.
            const row = await defaults.server.deps.pool.query(
              'SELECT object_key FROM ingestion.uploads WHERE id = $1',
              [upload.id],
            );
            expect(await exists(defaults.s3, defaults.bucket, row.rows[0].object_key)).toBe(false);
            expect(
              ok<boolean>(await caller.gql(ABORT, { uploadId: upload.id }), 'abortUpload'),
            ).toBe(true);
          },
        ),
        { numRuns: 8 },
      );
    } finally {
      await defaults.close();
    }
  });
});

describe('bad input to createUpload: a clear refusal, no upload, nothing signed', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['size 0', { sizeBytes: 0 }, /above 0/],
    ['a negative size', { sizeBytes: -5 }, /above 0/],
    ['a fractional size', { sizeBytes: 10.5 }, /whole number/],
    [
      'a size over the maximum',
      { sizeBytes: 11 * 1024 * 1024 * MiB },
      /larger than the limit of 10 GiB/,
    ],
    ['a path in the name', { fileName: '../../etc/passwd' }, /path/],
    ['a slash', { fileName: 'a/b.csv' }, /path/],
    ['a backslash', { fileName: 'a\\b.csv' }, /path/],
    ['a NUL byte', { fileName: 'a\u0000.csv' }, /control characters/],
    ['a name over 255 bytes', { fileName: `${'é'.repeat(126)}.csv` }, /255 bytes/],
    ['an empty name', { fileName: '' }, /empty/],
    [
      'a content type that does not match',
      { contentType: 'image/png' },
      /cannot have the content type image\/png/,
    ],
    [
      'a header injection in the content type',
      { contentType: 'text/csv\r\nx-amz-acl: public-read' },
      /not valid/,
    ],
    ['a database as a file', { sourceType: 'DATABASE' }, /importFromDatabase/],
  ];
  it.each(cases)('%s', async (_name, override, message) => {
    const caller = await h.user();
    const body = await caller.gql(CREATE, {
      fileName: 'data.csv',
      contentType: 'text/csv',
      sizeBytes: 100,
      sourceType: 'CSV',
      ...override,
    });
    expectBadInput(body, message);
    expect(body.data).toBeNull();
    const { rows } = await h.server.deps.pool.query(
      'SELECT count(*)::int AS n FROM ingestion.uploads WHERE owner_id = $1',
      [caller.id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('a viewer may not upload: FORBIDDEN', async () => {
    const viewer = await h.user({ role: 'viewer' });
    const body = await viewer.gql(CREATE, {
      fileName: 'a.csv',
      contentType: 'text/csv',
      sizeBytes: 10,
      sourceType: 'CSV',
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

it("a browser on the app's origin may PUT to S3 and read the ETag; another origin may not", async () => {
  const preflight = (origin: string) =>
    fetch(`${h.env.S3_ENDPOINT}/${h.bucket}/raw/any`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
  const allowed = await preflight(APP_ORIGIN);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  expect(allowed.headers.get('access-control-expose-headers')).toMatch(/etag/i);
  const other = await preflight('http://attacker.example');
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

describe('what S3 itself refuses (real HTTP requests to the presigned URL)', () => {
  const bytes = csv(20);
  let upload: Upload;
  let key: string;
  beforeEach(async () => {
    upload = await createUpload(analyst, bytes);
    key = (await uploadRow(upload.id)).object_key;
  });

  const put = (url: string, body: Buffer, contentType = 'text/csv') =>
    fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body });

  it('another content type than signed', async () => {
    expect((await put(upload.url!, bytes, 'application/octet-stream')).status).toBe(403);
    expect(await exists(h.s3, h.bucket, key)).toBe(false);
  });

  it('a larger body than signed', async () => {
    expect(
      (await put(upload.url!, Buffer.concat([bytes, Buffer.from('\nextra,1,2')]))).status,
    ).toBe(403);
    expect(await exists(h.s3, h.bucket, key)).toBe(false);
  });

  it('a tampered signature', async () => {
    const url = new URL(upload.url!);
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set(
      'X-Amz-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    expect((await put(url.href, bytes)).status).toBe(403);
    const otherKey = new URL(upload.url!);
    otherKey.pathname = otherKey.pathname.replace(upload.id, 'someone-elses');
    expect((await put(otherKey.href, bytes)).status).toBe(403);
    expect(await exists(h.s3, h.bucket, key)).toBe(false);
  });

  it('a part of another length than signed, on every part URL of a multipart upload', async () => {
    const big = parquetLike(11 * MiB);
    const multipart = await createUpload(analyst, big, 'PARQUET');
    const parts = await allParts(analyst, multipart);
    expect(parts).toHaveLength(3);
    // A short body: S3 answers before reading it (a long one would see the socket closed early).
    for (const part of parts) {
      expect((await fetch(part.url, { method: 'PUT', body: Buffer.alloc(1024) })).status).toBe(403);
    }
    expect(ok<boolean>(await analyst.gql(ABORT, { uploadId: multipart.id }), 'abortUpload')).toBe(
      true,
    );
  });

  it('a URL used after it expired', async () => {
    const shortLived = shortLivedUploads();
    const expiring = await shortLived.create(analyst.id, {
      fileName: 'late.csv',
      contentType: 'text/csv',
      sizeBytes: bytes.length,
      sourceType: 'CSV',
    });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await put(expiring.url!, bytes)).status).toBe(403);
  });
});

describe('what completeUpload refuses: no data set, no job, no event, nothing left in S3', () => {
  it('before the object exists: the upload stays open', async () => {
    const caller = await h.user();
    const bytes = csv(5);
    const upload = await createUpload(caller, bytes);
    expectBadInput(await caller.gql(COMPLETE, { uploadId: upload.id }), /not been uploaded yet/);
    expect((await uploadRow(upload.id)).status).toBe('PENDING');
    // Sent afterwards, it completes.
    await send(upload, bytes, caller);
    expect(
      ok<Job>(await caller.gql(COMPLETE, { uploadId: upload.id }), 'completeUpload').status,
    ).toBe('QUEUED');
  });

  it('with the wrong size (an object written around the signed URL)', async () => {
    const caller = await h.user();
    const upload = await createUpload(caller, csv(5));
    const { object_key: key } = await uploadRow(upload.id);
    await h.s3.send(new PutObjectCommand({ Bucket: h.bucket, Key: key, Body: csv(50) }));
    const body = await caller.gql(COMPLETE, { uploadId: upload.id });
    expectBadInput(body, /bytes, not the \d+ declared/);
    expect(await uploadRow(upload.id)).toMatchObject({ status: 'REJECTED' });
    expect(await exists(h.s3, h.bucket, key)).toBe(false);
    expect(await countsFor(caller.id)).toEqual({ datasets: 0, jobs: 0 });
    // Asking again gets the same answer.
    expectBadInput(
      await caller.gql(COMPLETE, { uploadId: upload.id }),
      /bytes, not the \d+ declared/,
    );
  });

  it.each([
    [
      'PNG bytes declared CSV',
      Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]),
        randomBytes(200),
      ]),
      'CSV',
      /not valid UTF-8/,
    ],
    ['CSV text declared JSON', csv(5), 'JSON', /must start with \{ or \[/],
    ['CSV text declared Parquet', csv(5), 'PARQUET', /not Parquet/],
    ['Parquet bytes declared CSV', parquetLike(2000), 'CSV', /is Parquet, not CSV/],
  ] as const)('bytes of another type: %s', async (_name, bytes, sourceType, message) => {
    const caller = await h.user();
    const upload = await createUpload(caller, Buffer.from(bytes), sourceType);
    await send(upload, Buffer.from(bytes), caller);
    const { object_key: key } = await uploadRow(upload.id);
    expectBadInput(await caller.gql(COMPLETE, { uploadId: upload.id }), message);
    expect(await exists(h.s3, h.bucket, key)).toBe(false);
    expect(await countsFor(caller.id)).toEqual({ datasets: 0, jobs: 0 });
    expect(events.matching('dataset.events', (e) => e.ownerId === caller.id)).toHaveLength(0);
  });

  it('by another user: NOT_FOUND, and the owner can still complete it', async () => {
    const bytes = csv(5);
    const upload = await createUpload(analyst, bytes);
    await send(upload, bytes);
    const intruder = await h.user();
    const body = await intruder.gql(COMPLETE, { uploadId: upload.id });
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await uploadRow(upload.id)).status).toBe('PENDING');
    expect(
      ok<Job>(await analyst.gql(COMPLETE, { uploadId: upload.id }), 'completeUpload').status,
    ).toBe('QUEUED');
  });

  it('a multipart upload with a part missing, or a wrong ETag', async () => {
    const caller = await h.user();
    const bytes = parquetLike(6 * MiB);
    const upload = await createUpload(caller, bytes, 'PARQUET');
    const parts = (await send(upload, bytes, caller))!;
    expectBadInput(
      await caller.gql(COMPLETE, { uploadId: upload.id, parts: parts.slice(0, 1) }),
      /ETag of each of the 2 parts/,
    );
    expectBadInput(
      await caller.gql(COMPLETE, {
        uploadId: upload.id,
        parts: [parts[0], { partNumber: 2, etag: '"0123456789abcdef0123456789abcdef"' }],
      }),
      /does not have every part/,
    );
    expect((await uploadRow(upload.id)).status).toBe('PENDING');
    expect(
      ok<Job>(await caller.gql(COMPLETE, { uploadId: upload.id, parts }), 'completeUpload').status,
    ).toBe('QUEUED');
  });

  it('a malformed upload id or parts list', async () => {
    expectBadInput(await analyst.gql(COMPLETE, { uploadId: "1' OR '1'='1" }), /uploadId/);
    const body = await analyst.gql(COMPLETE, {
      uploadId: 'x',
      parts: [{ partNumber: 'one', etag: 1 }],
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('uploadPartUrls: more part URLs while sending, for the owner of a pending upload', () => {
  it('signs the parts asked for and keeps the upload alive for another URL lifetime', async () => {
    const caller = await h.user();
    const bytes = parquetLike(11 * MiB);
    const upload = await createUpload(caller, bytes, 'PARQUET');
    expect(upload.parts.map((p) => p.partNumber)).toEqual([1]);
    await h.server.deps.pool.query(
      `UPDATE ingestion.uploads SET expires_at = now() + interval '5 seconds' WHERE id = $1`,
      [upload.id],
    );
    const more = ok<{ parts: Part[]; expiresAt: string }>(
      await caller.gql(PART_URLS, { uploadId: upload.id, partNumbers: [3, 2] }),
      'uploadPartUrls',
    );
    expect(more.parts.map((p) => [p.partNumber, p.sizeBytes])).toEqual([
      [3, MiB],
      [2, 5 * MiB],
    ]);
    // Extended to a full URL lifetime (15 minutes by default) from now, in the row and the answer.
    const { rows } = await h.server.deps.pool.query(
      'SELECT expires_at FROM ingestion.uploads WHERE id = $1',
      [upload.id],
    );
    expect(rows[0].expires_at.getTime()).toBe(new Date(more.expiresAt).getTime());
    expect(rows[0].expires_at.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    // The URLs work: the file completes with parts signed by three different calls.
    const parts = await send({ ...upload, parts: [...upload.parts, ...more.parts] }, bytes, caller);
    expect(
      ok<Job>(await caller.gql(COMPLETE, { uploadId: upload.id, parts }), 'completeUpload').status,
    ).toBe('QUEUED');
    // Complete now: no more URLs.
    expectBadInput(
      await caller.gql(PART_URLS, { uploadId: upload.id, partNumbers: [1] }),
      /complete/,
    );
  });

  it.each([
    ['no part', []],
    ['part 0', [0]],
    ['a part past the last', [4]],
    ['a negative part', [-1]],
    ['the same part twice', [2, 2]],
    ['more than 100 parts', Array.from({ length: 101 }, (_, i) => (i % 3) + 1)],
  ])('refuses %s, and extends nothing it refused', async (_name, partNumbers) => {
    const caller = await h.user();
    const upload = await createUpload(caller, parquetLike(11 * MiB), 'PARQUET');
    const expiry = async () =>
      (
        await h.server.deps.pool.query('SELECT expires_at FROM ingestion.uploads WHERE id = $1', [
          upload.id,
        ])
      ).rows[0].expires_at.getTime();
    const before = await expiry();
    const body = await caller.gql(PART_URLS, { uploadId: upload.id, partNumbers });
    expectBadInput(body, /1 to 100 different part numbers, each from 1 to 3/);
    expect(body.data).toBeNull();
    expect(await expiry()).toBe(before);
    expect(ok<boolean>(await caller.gql(ABORT, { uploadId: upload.id }), 'abortUpload')).toBe(true);
  });

  it('another user: NOT_FOUND; a single-PUT or cancelled upload: a clear refusal', async () => {
    const owner = await h.user();
    const multipart = await createUpload(owner, parquetLike(6 * MiB), 'PARQUET');
    const intruder = await h.user();
    const stolen = await intruder.gql(PART_URLS, { uploadId: multipart.id, partNumbers: [2] });
    expect(stolen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(stolen.data).toBeNull();

    const single = await createUpload(owner, csv(3));
    expectBadInput(
      await owner.gql(PART_URLS, { uploadId: single.id, partNumbers: [1] }),
      /single PUT: it has no parts/,
    );
    expect(ok<boolean>(await owner.gql(ABORT, { uploadId: multipart.id }), 'abortUpload')).toBe(
      true,
    );
    expectBadInput(
      await owner.gql(PART_URLS, { uploadId: multipart.id, partNumbers: [2] }),
      /cancelled/,
    );
    expectBadInput(
      await owner.gql(PART_URLS, { uploadId: "x' OR 1=1 --", partNumbers: [1] }),
      /uploadId/,
    );
  });
});

describe('cancelling and expiry leave nothing in S3', () => {
  it('abortUpload removes sent parts and objects; the upload cannot be completed afterwards', async () => {
    const caller = await h.user();
    const big = parquetLike(6 * MiB);
    const multipart = await createUpload(caller, big, 'PARQUET');
    await fetch(multipart.parts[0]!.url, { method: 'PUT', body: big.subarray(0, 5 * MiB) });
    const { rows } = await h.server.deps.pool.query(
      'SELECT * FROM ingestion.uploads WHERE id = $1',
      [multipart.id],
    );
    expect(ok<boolean>(await caller.gql(ABORT, { uploadId: multipart.id }), 'abortUpload')).toBe(
      true,
    );
    await expect(
      h.s3.send(
        new ListPartsCommand({
          Bucket: h.bucket,
          Key: rows[0].object_key,
          UploadId: rows[0].multipart_id,
        }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });

    const small = csv(3);
    const single = await createUpload(caller, small);
    await send(single, small, caller);
    expect(ok<boolean>(await caller.gql(ABORT, { uploadId: single.id }), 'abortUpload')).toBe(true);
    expect(await exists(h.s3, h.bucket, (await uploadRow(single.id)).object_key)).toBe(false);
    expectBadInput(await caller.gql(COMPLETE, { uploadId: single.id }), /cancelled/);
    // Aborting twice is fine; aborting a completed upload is not.
    expect(ok<boolean>(await caller.gql(ABORT, { uploadId: single.id }), 'abortUpload')).toBe(true);
    const done = await uploadFile(caller, csv(2));
    expectBadInput(
      await caller.gql(ABORT, { uploadId: done.upload.id }),
      /complete; delete its data set/,
    );
    expect(await countsFor(caller.id)).toEqual({ datasets: 1, jobs: 1 });
  });

  it('the sweeper cancels uploads nobody completed once their URLs expired', async () => {
    const uploads = shortLivedUploads();
    const caller = await h.user();
    const bytes = csv(4);
    const created = await uploads.create(caller.id, {
      fileName: 'x.csv',
      contentType: 'text/csv',
      sizeBytes: bytes.length,
      sourceType: 'CSV',
    });
    await fetch(created.url!, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: bytes,
    });
    const { object_key: key } = await uploadRow(created.id);
    expect(await exists(h.s3, h.bucket, key)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await uploads.sweepExpired(0)).toBeGreaterThanOrEqual(1);
    expect(await uploadRow(created.id)).toMatchObject({ status: 'EXPIRED' });
    expect(await exists(h.s3, h.bucket, key)).toBe(false);
  });
});
