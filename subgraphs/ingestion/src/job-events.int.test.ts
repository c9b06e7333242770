/**
 * The processor's events drive jobs and data sets through real Kafka and PostgreSQL: progress never
 * goes back, a finished job never changes, a redelivered or malformed event changes nothing, and
 * each change of a data set is announced on dataset.events.
 */
import { randomUUID } from 'node:crypto';
import { startIngestion, listen, eventually, type Harness, type Listener } from '../test/support';

let h: Harness;
let kafka: Listener;

beforeAll(async () => {
  h = await startIngestion({ UPLOAD_SWEEP_INTERVAL_SECONDS: '3600' });
  kafka = await listen(h.env.KAFKA_BROKERS!, ['dataset.events']);
});

afterAll(async () => {
  await kafka?.close();
  await h?.close();
});

/** A data set and its queued ingestion job, as completeUpload leaves them. */
async function queuedJob() {
  const owner = await h.user();
  const datasetId = randomUUID();
  const jobId = randomUUID();
  await h.server.deps.pool.query(
    `INSERT INTO ingestion.datasets (id, owner_id, name, source_type, size_bytes) VALUES ($1, $2, 'x.csv', 'CSV', 10)`,
    [datasetId, owner.id],
  );
  await h.server.deps.pool.query(
    `INSERT INTO ingestion.jobs (id, dataset_id, owner_id, type) VALUES ($1, $2, $3, 'INGESTION')`,
    [jobId, datasetId, owner.id],
  );
  return { owner, datasetId, jobId };
}

async function state(jobId: string) {
  const { rows } = await h.server.deps.pool.query(
    `SELECT j.status, j.progress, j.error_message, d.status AS dataset_status, d.row_count,
            d.column_count, d.data_prefix, d.error_message AS dataset_error
       FROM ingestion.jobs j JOIN ingestion.datasets d ON d.id = j.dataset_id WHERE j.id = $1`,
    [jobId],
  );
  return rows[0] as Record<string, unknown>;
}

const progress = (jobId: string, datasetId: string, value: number, eventId = randomUUID()) => ({
  eventId,
  occurredAt: new Date().toISOString(),
  jobId,
  datasetId,
  status: 'PROCESSING',
  progress: value,
  rowsProcessed: value * 10,
});

const complete = (jobId: string, datasetId: string) => ({
  eventId: randomUUID(),
  occurredAt: new Date().toISOString(),
  jobId,
  datasetId,
  version: 1,
  rowCount: 1234,
  columnCount: 7,
  output: { bucket: 'analytics-data', prefix: `datasets/${datasetId}/v1/` },
  processingTimeMs: 850,
});

it('progress moves forward only; completion makes the data set READY with its shape', async () => {
  const { jobId, datasetId, owner } = await queuedJob();
  const first = progress(jobId, datasetId, 40);
  await kafka.produce('data.processing.progress', jobId, first);
  await eventually('progress 40', async () => (await state(jobId)).progress === 40, 30_000);
  expect(await state(jobId)).toMatchObject({ status: 'PROCESSING', dataset_status: 'PROCESSING' });

  // Lower progress, the same event again, and a message that breaks the contract: no change.
  await kafka.produce('data.processing.progress', jobId, progress(jobId, datasetId, 10));
  await kafka.produce('data.processing.progress', jobId, { ...first, progress: 90 });
  await kafka.produce('data.processing.progress', jobId, {
    ...progress(jobId, datasetId, 95),
    progress: 101,
  });
  await kafka.produce('data.processing.progress', jobId, '{not json');
  await kafka.produce('data.processing.progress', jobId, progress(jobId, datasetId, 60));
  await eventually('progress 60', async () => (await state(jobId)).progress === 60);

  await kafka.produce('data.processing.complete', jobId, complete(jobId, datasetId));
  await eventually('completion', async () => (await state(jobId)).status === 'COMPLETED');
  expect(await state(jobId)).toMatchObject({
    progress: 100,
    dataset_status: 'READY',
    row_count: '1234',
    column_count: 7,
    data_prefix: `datasets/${datasetId}/v1/`,
  });

  // A finished job never changes again: late progress, a failure.
  await kafka.produce('data.processing.progress', jobId, progress(jobId, datasetId, 70));
  await kafka.produce('data.processing.failed', jobId, {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    jobId,
    datasetId,
    code: 'INVALID_CSV',
    reason: 'too late',
  });
  const marker = await queuedJob();
  await kafka.produce(
    'data.processing.progress',
    marker.jobId,
    progress(marker.jobId, marker.datasetId, 5),
  );
  await eventually(
    'a later event to be applied',
    async () => (await state(marker.jobId)).progress === 5,
  );
  expect(await state(jobId)).toMatchObject({
    status: 'COMPLETED',
    progress: 100,
    dataset_status: 'READY',
  });

  const announced = kafka.matching('dataset.events', (e) => e.datasetId === datasetId);
  expect(announced.map((m) => m.value.kind)).toEqual(['PROCESSING', 'READY']);
  expect(announced.every((m) => m.value.ownerId === owner.id && m.key === datasetId)).toBe(true);
});

it('a failure keeps the reason on the job and the data set, and says it on dataset.events', async () => {
  const { jobId, datasetId } = await queuedJob();
  await kafka.produce('data.processing.failed', jobId, {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    jobId,
    datasetId,
    code: 'INVALID_CSV',
    reason: 'Line 3 has an unterminated quote.',
  });
  await eventually('failure', async () => (await state(jobId)).status === 'FAILED', 30_000);
  expect(await state(jobId)).toMatchObject({
    error_message: 'Line 3 has an unterminated quote.',
    dataset_status: 'FAILED',
    dataset_error: 'Line 3 has an unterminated quote.',
  });
  const failed = await kafka.waitFor('dataset.events', (e) => e.datasetId === datasetId);
  expect(failed.value).toMatchObject({
    kind: 'FAILED',
    message: 'Line 3 has an unterminated quote.',
  });
});

it('an event for a job this service does not know is skipped, and the next one still applies', async () => {
  const ghost = randomUUID();
  await kafka.produce('data.processing.progress', ghost, progress(ghost, randomUUID(), 50));
  const { jobId, datasetId } = await queuedJob();
  await kafka.produce('data.processing.progress', jobId, progress(jobId, datasetId, 20));
  await eventually('the known job', async () => (await state(jobId)).progress === 20, 30_000);
});
