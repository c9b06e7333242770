/**
 * The Rust processor as the integration tests see it: the real binary (built by `npm test`'s
 * set-up) against the real local stack, with its own consumer group, fed `data.ingestion` events
 * for jobs the test creates in PostgreSQL and raw objects it puts in S3, and a Kafka listener that
 * records every event the processor publishes for those jobs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { createS3 } from '@platform/runtime';
import { startGroupAtEnd } from '../../../scripts/lib/kafka-groups.mjs';
import { migrate } from '../../../scripts/migrate.mjs';
import { eventually, localStackEnv } from '../../runtime/test/local-stack';

const ROOT = join(__dirname, '..', '..', '..');
const OUTCOME_TOPICS = ['data.processing.complete', 'data.processing.failed'];
const WATCHED = [...OUTCOME_TOPICS, 'data.processing.progress', 'data.ingestion.dlq'];

export type SourceType = 'CSV' | 'JSON' | 'PARQUET';

export interface Seen {
  topic: string;
  event: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface Submitted {
  jobId: string;
  datasetId: string;
  rawKey: string;
}

/** The processor binary of the dev build (what `npm test` and the e2e platform build). */
export function processorBinary(): string {
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'processor', 'target');
  const binary = join(target, 'debug', 'processor');
  if (!existsSync(binary))
    throw new Error(`no processor binary at ${binary}: run npm test's set-up`);
  return binary;
}

export async function startProcessorHarness() {
  const env = localStackEnv();
  await migrate(env.DATABASE_URL!, { quiet: true });
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 4 });
  const s3 = createS3({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION!,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
  const rawBucket = env.S3_RAW_BUCKET!;
  const dataBucket = env.S3_DATA_BUCKET!;
  const prefix = `test-${randomUUID().slice(0, 8)}-`;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const workDir = mkdtempSync(join(tmpdir(), 'processor-test-'));
  const ownerId = randomUUID();

  const kafka = new Kafka({
    clientId: `${prefix}harness`,
    brokers: env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const seen: Seen[] = [];
  const consumer: Consumer = kafka.consumer({ groupId: `${prefix}listener` });
  await consumer.connect();
  await consumer.subscribe({ topics: WATCHED, fromBeginning: false });
  let listening = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    listening = true;
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {}))
        headers[name] = String(value);
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(message.value?.toString('utf8') ?? 'null') ?? {};
      } catch {
        event = { raw: message.value?.toString('utf8') };
      }
      seen.push({ topic, event, headers });
    },
  });
  await eventually('the listener joins its group', () => listening, 30_000);

  let child: ChildProcess | undefined;
  let log = '';
  async function metric(name: string): Promise<number | undefined> {
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line ? Number(line.split(' ')[1]) : undefined;
    } catch {
      return undefined;
    }
  }
  async function startProcessor() {
    child = spawn(processorBinary(), [], {
      env: {
        ...env,
        PROCESSOR_PORT: String(port),
        KAFKA_GROUP_PREFIX: prefix,
        PROCESSOR_WORK_DIR: workDir,
        PROCESSOR_JOB_ATTEMPTS: '3',
        PROCESSOR_JOB_RETRY_BACKOFF_MS: '200',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    await eventually(
      'the processor consumes data.ingestion',
      async () => ((await metric('processor_partitions_assigned')) ?? 0) > 0,
      90_000,
    );
  }
  async function stopProcessor(signal: NodeJS.Signals = 'SIGTERM') {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  }
  // The processor's group starts where data.ingestion ends now: the messages of other runs
  // sharing this Kafka are not this test's.
  await startGroupAtEnd(kafka, `${prefix}processor`, 'data.ingestion');
  await startProcessor();

  const datasets: string[] = [];
  const harness = {
    pool,
    s3,
    rawBucket,
    dataBucket,
    seen,
    ownerId,
    workDir,
    log: () => log,
    metric,
    startProcessor,
    stopProcessor,

    /** A data set and its queued job in PostgreSQL and the raw object in S3 (not yet announced). */
    async stage(body: Buffer | string, sourceType: SourceType): Promise<Submitted> {
      const datasetId = randomUUID();
      const jobId = randomUUID();
      const rawKey = `raw/${ownerId}/${jobId}.${sourceType.toLowerCase()}`;
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      await pool.query(
        `INSERT INTO ingestion.datasets (id, owner_id, name, source_type, raw_key, size_bytes)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [datasetId, ownerId, `test ${sourceType}`, sourceType, rawKey, bytes.length],
      );
      await pool.query(
        `INSERT INTO ingestion.jobs (id, dataset_id, owner_id, type) VALUES ($1, $2, $3, 'INGESTION')`,
        [jobId, datasetId, ownerId],
      );
      datasets.push(datasetId);
      await s3.send(new PutObjectCommand({ Bucket: rawBucket, Key: rawKey, Body: bytes }));
      return { jobId, datasetId, rawKey };
    },

    /** Publishes the job's data.ingestion event, as ingestion's outbox would. */
    async announce(job: Submitted, sourceType: SourceType, sizeBytes: number) {
      await producer.send({
        topic: 'data.ingestion',
        messages: [
          {
            key: job.jobId,
            value: JSON.stringify({
              eventId: randomUUID(),
              occurredAt: new Date().toISOString(),
              jobId: job.jobId,
              datasetId: job.datasetId,
              userId: ownerId,
              sourceType,
              rawObject: { bucket: rawBucket, key: job.rawKey },
              sizeBytes: Math.max(1, sizeBytes),
              version: 1,
            }),
          },
        ],
      });
    },

    /** Any bytes on data.ingestion, e.g. a poison message. */
    async sendRaw(key: string, value: string) {
      await producer.send({ topic: 'data.ingestion', messages: [{ key, value }] });
    },

    async submit(body: Buffer | string, sourceType: SourceType): Promise<Submitted> {
      const job = await harness.stage(body, sourceType);
      const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      await harness.announce(job, sourceType, size);
      return job;
    },

    /** Every event published for `jobId`. */
    eventsOf(jobId: string): Seen[] {
      return seen.filter((s) => s.event.jobId === jobId);
    },

    /** Waits for the job's outcome (completion or failure). */
    async outcome(jobId: string, timeoutMs = 120_000): Promise<Seen> {
      await eventually(
        `an outcome event for job ${jobId}`,
        () => harness.eventsOf(jobId).some((s) => OUTCOME_TOPICS.includes(s.topic)),
        timeoutMs,
      ).catch((error: unknown) => {
        throw new Error(
          `${String(error)}\nprocessor log tail:\n${log.split('\n').slice(-30).join('\n')}`,
        );
      });
      return harness.eventsOf(jobId).find((s) => OUTCOME_TOPICS.includes(s.topic))!;
    },

    /** The stored profile row of a data set's version 1. */
    async profile(datasetId: string) {
      const { rows } = await pool.query(
        'SELECT * FROM quality.profiles WHERE dataset_id = $1 AND version = 1',
        [datasetId],
      );
      return rows[0] as
        | {
            row_count: string;
            column_count: number;
            duplicate_rows: string;
            quality_score: number;
            columns: ColumnJson[];
            issues: {
              type: string;
              severity: string;
              column: string | null;
              description: string;
            }[];
          }
        | undefined;
    },

    /** Downloads the data set's Parquet file to a local path (for DuckDB to read). */
    async downloadParquet(datasetId: string): Promise<string | undefined> {
      try {
        const object = await s3.send(
          new GetObjectCommand({
            Bucket: dataBucket,
            Key: `datasets/${datasetId}/v1/data.parquet`,
          }),
        );
        const bytes = Buffer.from(await object.Body!.transformToByteArray());
        const path = join(workDir, `${datasetId}.parquet`);
        writeFileSync(path, bytes);
        return path;
      } catch {
        return undefined;
      }
    },

    async close() {
      await stopProcessor();
      // Kept for a failed run: the processor's own account of every job.
      writeFileSync(join(workDir, 'processor.log'), log);
      await consumer.disconnect();
      await producer.disconnect();
      for (const id of datasets) {
        await s3
          .send(
            new DeleteObjectCommand({ Bucket: dataBucket, Key: `datasets/${id}/v1/data.parquet` }),
          )
          .catch(() => undefined);
      }
      await pool.query('DELETE FROM quality.profiles WHERE dataset_id = ANY($1::uuid[])', [
        datasets,
      ]);
      await pool.query('DELETE FROM quality.processing_runs WHERE dataset_id = ANY($1::uuid[])', [
        datasets,
      ]);
      await pool.query('DELETE FROM ingestion.datasets WHERE id = ANY($1::uuid[])', [datasets]);
      await pool.end();
    },
  };
  return harness;
}

export type ProcessorHarness = Awaited<ReturnType<typeof startProcessorHarness>>;

export interface ColumnJson {
  name: string;
  data_type: string;
  null_count: number;
  null_percentage: number;
  unique_count: number;
  min_value: string | number | boolean | null;
  max_value: string | number | boolean | null;
  mean: number | null;
  std_dev: number | null;
  top_values?: { value: string; count: number }[] | null;
}
