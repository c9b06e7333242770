/**
 * The Rust processor end to end against the real stack: raw files in S3 and data.ingestion
 * events in, typed Parquet in S3, profiles in PostgreSQL and exactly one outcome event out;
 * the profile checked against DuckDB on real (vega-datasets) and generated data; every bad input
 * a failed job with a reason, or a profile with the issue; poison messages, duplicates and a
 * processor killed mid-job.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { eventually } from '../../runtime/test/local-stack';
import { differences, duckProfile, openDuckDb } from './duckdb-profile';
import { startProcessorHarness, type ProcessorHarness, type SourceType } from './processor-harness';

jest.setTimeout(300_000);

const VEGA = join(__dirname, '..', '..', '..', 'node_modules', 'vega-datasets', 'data');
const vega = (name: string) => readFileSync(join(VEGA, name));

let h: ProcessorHarness;
let db: Awaited<ReturnType<typeof openDuckDb>>;

beforeAll(async () => {
  h = await startProcessorHarness();
  db = await openDuckDb();
});

afterAll(async () => {
  await h?.close();
});

/** Submits, waits for the outcome, and returns it with the job's events. */
async function processed(body: Buffer | string, sourceType: SourceType) {
  const job = await h.submit(body, sourceType);
  const outcome = await h.outcome(job.jobId);
  return { job, outcome };
}

async function expectCompletedAndAgreeing(body: Buffer | string, sourceType: SourceType) {
  const { job, outcome } = await processed(body, sourceType);
  expect(outcome).toMatchObject({
    topic: 'data.processing.complete',
    event: { jobId: job.jobId, datasetId: job.datasetId, version: 1 },
  });
  const profile = await h.profile(job.datasetId);
  expect(profile).toBeDefined();
  const parquet = await h.downloadParquet(job.datasetId);
  expect(parquet).toBeDefined();
  const duck = await duckProfile(db, parquet!, profile!.columns);
  expect(differences(profile!, duck)).toEqual([]);
  expect(outcome.event).toMatchObject({
    rowCount: Number(profile!.row_count),
    columnCount: profile!.column_count,
    output: { bucket: h.dataBucket, prefix: `datasets/${job.datasetId}/v1/` },
  });
  return { job, outcome, profile: profile!, parquet: parquet! };
}

describe('real files become typed Parquet and a profile that DuckDB agrees with', () => {
  it('weather.csv: typed columns, one completion, progress before it', async () => {
    const { job, profile, parquet } = await expectCompletedAndAgreeing(vega('weather.csv'), 'CSV');
    expect(profile.columns.map((c) => [c.name, c.data_type])).toEqual([
      ['location', 'string'],
      ['date', 'date'],
      ['precipitation', 'float'],
      ['temp_max', 'float'],
      ['temp_min', 'float'],
      ['wind', 'float'],
      ['weather', 'string'],
    ]);
    // The Parquet file holds what DuckDB reads from the CSV itself (Property 5).
    const theirs = await db.runAndReadAll(
      `SELECT count(*)::INT AS n, sum(precipitation)::DOUBLE AS p, count(DISTINCT weather)::INT AS w
         FROM read_csv('${join(VEGA, 'weather.csv')}')`,
    );
    const ours = await db.runAndReadAll(
      `SELECT count(*)::INT AS n, sum(precipitation)::DOUBLE AS p, count(DISTINCT weather)::INT AS w
         FROM read_parquet('${parquet}')`,
    );
    expect(ours.getRowObjectsJson()).toEqual(theirs.getRowObjectsJson());
    // Feature: ai-analytics-platform, Property 5: For any data transformation by the Rust processor, the output should be a valid Parquet file that can be read by standard Parquet readers
    // A second, independent reader (hyparquet, pure JavaScript) reads every cell as DuckDB does.
    const bytes = readFileSync(parquet);
    const viaHyparquet = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      compressors,
    });
    const viaDuckDb = (
      await db.runAndReadAll(`SELECT * FROM read_parquet('${parquet}')`)
    ).getRowObjectsJson();
    const cell = (value: unknown) =>
      value instanceof Date
        ? value.toISOString().slice(0, 10)
        : typeof value === 'bigint'
          ? String(value)
          : value;
    expect(viaHyparquet).toHaveLength(2922);
    expect(
      viaHyparquet.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, cell(v)])),
      ),
    ).toEqual(viaDuckDb);
    const events = h.eventsOf(job.jobId);
    expect(events.filter((e) => e.topic === 'data.processing.complete')).toHaveLength(1);
    const progress = events.filter((e) => e.topic === 'data.processing.progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(events.findIndex((e) => e.topic === 'data.processing.progress')).toBeLessThan(
      events.findIndex((e) => e.topic === 'data.processing.complete'),
    );
  });

  it('cars.json (nulls, dates as text) and penguins.json (nulls, names with spaces)', async () => {
    const cars = await expectCompletedAndAgreeing(vega('cars.json'), 'JSON');
    const horsepower = cars.profile.columns.find((c) => c.name === 'Horsepower')!;
    expect(horsepower.data_type).toBe('integer');
    expect(horsepower.null_count).toBe(6);
    const penguins = await expectCompletedAndAgreeing(vega('penguins.json'), 'JSON');
    expect(Number(penguins.profile.row_count)).toBe(344);
  });

  it('a Parquet file (penguins written by DuckDB) keeps its schema', async () => {
    const file = join(h.workDir, 'penguins-in.parquet');
    await db.run(
      `COPY (SELECT * FROM read_json('${join(VEGA, 'penguins.json')}')) TO '${file}' (FORMAT parquet)`,
    );
    const { profile } = await expectCompletedAndAgreeing(readFileSync(file), 'PARQUET');
    expect(profile.columns.map((c) => c.name)).toContain('Beak Length (mm)');
  });
});

describe('generated data', () => {
  // Feature: ai-analytics-platform, Property 8: For any column, the profile's statistics (null count, unique count, min, max, mean, standard deviation) equal those computed directly from the data
  it('profiles of generated CSV files equal DuckDB figures over the same Parquet', async () => {
    const cell = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
      fc.constantFrom('', 'north', 'south', 'east', 'west'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: -50, max: 50 }),
            fc.double({ min: -1e6, max: 1e6, noNaN: true }),
            cell,
          ),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        fc.integer({ min: 0, max: 20 }),
        async (rows, repeats) => {
          const all = [...rows, ...rows.slice(0, repeats)];
          const csv =
            'id,amount,label\n' +
            all.map(([i, x, label]) => `${i},${Object.is(x, -0) ? 0 : x},${label}`).join('\n') +
            '\n';
          // Feature: ai-analytics-platform, Property 11: For any completed data quality check, the profile is stored in PostgreSQL keyed by the dataset identifier and retrievable with it
          const { job, profile } = await expectCompletedAndAgreeing(csv, 'CSV');
          expect((await h.profile(job.datasetId))?.row_count).toBe(profile.row_count);
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe('bad input: a failed job with a reason a user can act on, nothing kept', () => {
  const cases: [string, () => Buffer | string, SourceType, string][] = [
    ['an empty file', () => Buffer.alloc(0), 'CSV', 'EMPTY_FILE'],
    ['a header only', () => 'a,b,c\n', 'CSV', 'NO_ROWS'],
    [
      'binary bytes declared as CSV',
      () => Buffer.from([0, 1, 2, 3, 255, 254, 0, 7, 8, 9]),
      'CSV',
      '',
    ],
    [
      'invalid UTF-8',
      () => Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
      'CSV',
      'INVALID_ENCODING',
    ],
    [
      'Parquet bytes declared as CSV',
      () => Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 1), Buffer.from('PAR1')]),
      'CSV',
      '',
    ],
    [
      'a truncated Parquet file',
      () => Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(300, 3)]),
      'PARQUET',
      'INVALID_PARQUET',
    ],
    [
      'JSON nested 1,000 levels deep',
      () => '['.repeat(1) + '{"a":'.repeat(1000) + '1' + '}'.repeat(1000) + ']',
      'JSON',
      '',
    ],
    ['JSON cut off', () => '[{"a": 1}, {"a": ', 'JSON', ''],
  ];
  it.each(cases)('%s', async (_, body, sourceType, code) => {
    const { job, outcome } = await processed(body(), sourceType);
    expect(outcome.topic).toBe('data.processing.failed');
    if (code) expect(outcome.event.code).toBe(code);
    expect(String(outcome.event.code)).toMatch(/^[A-Z][A-Z_]{2,63}$/);
    expect(String(outcome.event.reason).length).toBeGreaterThan(20);
    expect(String(outcome.event.reason)).not.toMatch(/panicked|backtrace|\.rs:\d+/);
    expect(await h.profile(job.datasetId)).toBeUndefined();
    expect(await h.downloadParquet(job.datasetId)).toBeUndefined();
  });

  it('the raw object deleted before processing', async () => {
    const job = await h.stage('a,b\n1,2\n', 'CSV');
    await h.s3.send(new DeleteObjectCommand({ Bucket: h.rawBucket, Key: job.rawKey }));
    await h.announce(job, 'CSV', 8);
    const outcome = await h.outcome(job.jobId);
    expect(outcome.event).toMatchObject({ code: 'RAW_OBJECT_MISSING' });
  });
});

describe('awkward but valid input: processed, with the issue reported', () => {
  it('ragged rows are counted and reported', async () => {
    const { job, outcome } = await processed('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n', 'CSV');
    expect(outcome.topic).toBe('data.processing.complete');
    const profile = await h.profile(job.datasetId);
    expect(profile!.issues.find((i) => i.type === 'ragged_rows')).toBeDefined();
  });

  it('10,000 columns', async () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
    const csv = `${names.join(',')}\n${names.map((_, i) => i).join(',')}\n${names.map((_, i) => i * 2).join(',')}\n`;
    const { job, outcome } = await processed(csv, 'CSV');
    expect(outcome.event).toMatchObject({ columnCount: 10_000, rowCount: 2 });
    expect((await h.profile(job.datasetId))!.columns).toHaveLength(10_000);
  });

  it('a single 10 MB field', async () => {
    const csv = `id,text\n1,${'x'.repeat(10 * 1024 * 1024)}\n2,short\n`;
    const { outcome } = await processed(csv, 'CSV');
    expect(outcome.event).toMatchObject({ rowCount: 2, columnCount: 2 });
  });
});

describe('delivery: exactly one outcome per job, whatever Kafka or the processor do', () => {
  it('a poison message goes to the dead-letter topic and the next job still runs', async () => {
    await h.sendRaw('not-a-job', '{"this is": "not an ingestion event"');
    await eventually(
      'the poison message on the dead-letter topic',
      () =>
        h.seen.some(
          (s) => s.topic === 'data.ingestion.dlq' && s.headers['dlq-reason'] !== undefined,
        ),
      60_000,
    );
    const { outcome } = await processed('a\n1\n', 'CSV');
    expect(outcome.topic).toBe('data.processing.complete');
  });

  // Feature: ai-analytics-platform, Property 6: For any completed data processing job, the Platform should publish exactly one completion event to the Kafka data.processing.complete topic
  it('a job delivered any number of times gives exactly one completion', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 3 }),
        async (values, deliveries) => {
          const body = 'value\n' + values.join('\n') + '\n';
          const job = await h.stage(body, 'CSV');
          for (let i = 0; i < deliveries; i += 1) await h.announce(job, 'CSV', body.length);
          await h.outcome(job.jobId);
          // A later job shows every earlier delivery has been consumed by then.
          const later = await h.submit('x\n1\n', 'CSV');
          await h.outcome(later.jobId);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const outcomes = h
            .eventsOf(job.jobId)
            .filter((e) => e.topic !== 'data.processing.progress');
          expect(outcomes.map((e) => e.topic)).toEqual(['data.processing.complete']);
          expect(outcomes[0]!.event).toMatchObject({ rowCount: values.length, columnCount: 1 });
        },
      ),
      { numRuns: 3 },
    );
  });

  // Feature: ai-analytics-platform, Property 7: For any data processing failure, the Platform should log the error with a stack trace and update the Job status to "failed" in the database
  it('any bytes at all end in exactly one outcome; a failure has a code, a reason and a logged backtrace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.constantFrom<SourceType>('CSV', 'JSON', 'PARQUET'),
        async (bytes, sourceType) => {
          const { job, outcome } = await processed(Buffer.from(bytes), sourceType);
          await new Promise((resolve) => setTimeout(resolve, 500));
          const outcomes = h
            .eventsOf(job.jobId)
            .filter((e) => e.topic !== 'data.processing.progress');
          expect(outcomes).toHaveLength(1);
          if (outcome.topic === 'data.processing.failed') {
            expect(String(outcome.event.code)).toMatch(/^[A-Z][A-Z_]{2,63}$/);
            expect(String(outcome.event.reason).length).toBeGreaterThan(20);
            const logged = h
              .log()
              .split('\n')
              .find((line) => line.includes(job.jobId) && line.includes('"job failed"'));
            expect(logged).toContain('backtrace');
            expect(await h.profile(job.datasetId)).toBeUndefined();
          } else {
            expect(await h.profile(job.datasetId)).toBeDefined();
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it('killed mid-job, the processor completes the job after a restart, with one completion', async () => {
    const lines = ['id,name,amount,day'];
    for (let i = 0; i < 400_000; i++)
      lines.push(`${i},name-${i % 977},${(i * 7919) % 100_003}.25,2024-01-${(i % 28) + 1}`);
    const body = lines.join('\n') + '\n';
    const job = await h.submit(body, 'CSV');
    await eventually(
      'the job under way',
      () => h.eventsOf(job.jobId).some((e) => e.topic === 'data.processing.progress'),
      120_000,
    );
    await h.stopProcessor('SIGKILL');
    expect(h.eventsOf(job.jobId).some((e) => e.topic === 'data.processing.complete')).toBe(false);
    await h.startProcessor();
    const outcome = await h.outcome(job.jobId, 240_000);
    expect(outcome.event).toMatchObject({ rowCount: 400_000, columnCount: 4 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(
      h.eventsOf(job.jobId).filter((e) => e.topic === 'data.processing.complete'),
    ).toHaveLength(1);
  });
});
