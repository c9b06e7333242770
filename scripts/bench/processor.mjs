// @ts-check
/**
 * The processor's figures for `npm run bench` (issue 5), each beside DuckDB doing the same work on
 * the same file in the same run:
 *   - a deterministic CSV of 1M rows x 10 mixed-type columns (about 100 MB): time from the
 *     data.ingestion event to the data.processing.complete event (S3 read, typed Parquet written
 *     to S3, profile stored), and the processor's peak RSS; DuckDB: read_csv -> COPY ... TO parquet
 *     (zstd), SUMMARIZE, exact duplicate count, with all cores and with one;
 *   - `profile(datasetId)` through the gateway for a 50-column data set (goal p95 < 10 ms);
 *   - opt-in (BENCH_PROCESSOR_BIG_GB=5): peak RSS on a CSV of that many GB (goal < 1 GiB).
 * Everything runs on loopback; the processor is the release build, started here with its own
 * consumer group, and stopped at the end. What it created is removed.
 *
 * Environment: BENCH_PROCESSOR_ROWS (1000000), BENCH_PROCESSOR_BIG_GB (0: skipped).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { ROOT } from '../lib/env.mjs';
import { startGroupAtEnd } from '../lib/kafka-groups.mjs';
import { run } from '../lib/steps.mjs';
import { loadAverage, report } from './stats.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');
const { PutObjectCommand, DeleteObjectCommand } = require('@aws-sdk/client-s3');
const { DuckDBInstance } = require('@duckdb/node-api');

const CITIES = ['Seattle', 'New York', 'Zürich', 'São Paulo', 'Tokyo', 'Lagos', 'Oslo', 'Lima'];

/** A small deterministic PRNG (mulberry32), so every run profiles the same file. @param {number} seed */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes `rows` rows of 10 columns: integer id, integer quantity (5 % empty), float price, float
 * score (with outliers), city (8 values), code (high cardinality), boolean, date, timestamp, and a
 * free-text note (10 % empty); every 1000th row repeats the one before it.
 * @param {string} path @param {number} rows
 */
export async function writeMixedCsv(path, rows) {
  const next = random(42);
  const out = createWriteStream(path);
  const write = async (/** @type {string} */ text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('id,quantity,price,score,city,code,active,day,updated_at,note\n');
  let previous = '';
  const lines = [];
  for (let i = 0; i < rows; i += 1) {
    let line;
    if (i % 1000 === 999) line = previous;
    else {
      const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(next() * 1500) * 86_400_000);
      const at = new Date(day.getTime() + Math.floor(next() * 86_400) * 1000);
      line = [
        i,
        next() < 0.05 ? '' : Math.floor(next() * 1000),
        (next() * 500).toFixed(2),
        next() < 0.001 ? (next() * 1e6).toFixed(3) : (next() * 10).toFixed(3),
        CITIES[Math.floor(next() * CITIES.length)],
        `C-${Math.floor(next() * 200_000)}`,
        next() < 0.5 ? 'true' : 'false',
        day.toISOString().slice(0, 10),
        at.toISOString().replace('.000Z', 'Z'),
        next() < 0.1 ? '' : `"note ${Math.floor(next() * 50_000)}, checked"`,
      ].join(',');
    }
    previous = line;
    lines.push(line);
    if (lines.length === 10_000) {
      await write(lines.join('\n') + '\n');
      lines.length = 0;
    }
  }
  if (lines.length) await write(lines.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
}

/**
 * `copies` times the rows of the CSV at `source` (whose first column is a whole-number id), each
 * copy's ids moved past the previous copy's: a large file of distinct rows in a minute or two,
 * where generating each row takes far longer.
 * @param {string} source @param {string} path @param {number} copies
 */
export async function repeatWithNewIds(source, path, copies) {
  const [header, ...lines] = readFileSync(source, 'utf8').trimEnd().split('\n');
  const rows = lines.map((line) => {
    const comma = line.indexOf(',');
    return /** @type {[number, string]} */ ([Number(line.slice(0, comma)), line.slice(comma)]);
  });
  const out = createWriteStream(path);
  const write = async (/** @type {string} */ text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${header}\n`);
  for (let copy = 0; copy < copies; copy += 1) {
    const offset = copy * rows.length;
    for (let start = 0; start < rows.length; start += 10_000) {
      await write(
        rows
          .slice(start, start + 10_000)
          .map(([id, rest]) => `${id + offset}${rest}\n`)
          .join(''),
      );
    }
  }
  out.end();
  await once(out, 'finish');
}

/** @param {string} path @param {number} columns @param {number} rows */
async function writeWideCsv(path, columns, rows) {
  const next = random(7);
  const header = Array.from({ length: columns }, (_, i) => `c${i}`).join(',');
  const lines = [header];
  for (let r = 0; r < rows; r += 1)
    lines.push(
      Array.from({ length: columns }, (_, c) =>
        c % 2 ? (next() * 100).toFixed(2) : `v${Math.floor(next() * 30)}`,
      ).join(','),
    );
  const out = createWriteStream(path);
  out.end(lines.join('\n') + '\n');
  await once(out, 'finish');
}

/** DuckDB's time for the same work. @param {string} csv @param {string} dir @param {number} threads */
async function duckdb(csv, dir, threads) {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const db = await instance.connect();
  const out = join(dir, `duck-${threads}.parquet`);
  const started = performance.now();
  await db.run(
    `COPY (SELECT * FROM read_csv('${csv}')) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`,
  );
  await db.runAndReadAll(`SUMMARIZE SELECT * FROM read_parquet('${out}')`);
  await db.runAndReadAll(
    `SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM read_parquet('${out}'))) FROM read_parquet('${out}')`,
  );
  const ms = performance.now() - started;
  db.closeSync();
  return ms;
}

/** VmHWM of a process, in MiB. @param {number | undefined} pid */
function peakRssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kib / 1024;
  } catch {
    return NaN;
  }
}

/**
 * @param {{ env: Record<string, string>, pool: any, gatewayUrl: string, auth: Record<string, string>, ownerId: string }} options
 */
export async function benchProcessor({ env, pool, gatewayUrl, auth, ownerId }) {
  const rows = Number(env.BENCH_PROCESSOR_ROWS ?? 1_000_000);
  const bigGb = Number(env.BENCH_PROCESSOR_BIG_GB ?? 0);
  run(
    'build the processor (cargo, release)',
    'cargo',
    ['build', '--release', '--locked', '--manifest-path', 'processor/Cargo.toml'],
    env,
  );
  const binary = join(
    env.CARGO_TARGET_DIR ?? join(ROOT, 'processor', 'target'),
    'release',
    'processor',
  );
  const dir = await mkdtemp(join(tmpdir(), 'bench-processor-'));
  const prefix = `bench-${randomUUID().slice(0, 8)}-`;
  const kafka = new Kafka({
    clientId: `${prefix}bench`,
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  // The platform's own S3 client settings (checksums only when required, path-style).
  const { createS3 } = require(join(ROOT, 'subgraphs', 'runtime', 'dist', 'index.js'));
  const s3 = createS3({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
  /** @type {string[]} */
  const datasets = [];
  /** @type {Map<string, { at: number, event: any }>} */
  const outcomes = new Map();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const listener = kafka.consumer({ groupId: `${prefix}listener` });
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let processor;
  try {
    await startGroupAtEnd(kafka, `${prefix}processor`, 'data.ingestion');
    await producer.connect();
    await listener.connect();
    await listener.subscribe({ topics: ['data.processing.complete', 'data.processing.failed'] });
    let joined = false;
    listener.on(listener.events.GROUP_JOIN, () => (joined = true));
    await listener.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value?.toString() ?? '{}');
        outcomes.set(event.jobId, { at: performance.now(), event });
      },
    });
    while (!joined) await new Promise((r) => setTimeout(r, 100));

    const startProcessor = async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const child = spawn(binary, [], {
        env: {
          ...env,
          PROCESSOR_PORT: String(port),
          KAFKA_GROUP_PREFIX: prefix,
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      for (;;) {
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        if (/processor_partitions_assigned [1-9]/.test(text)) return child;
        if (child.exitCode !== null) throw new Error('the processor exited at start');
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    /** Uploads, announces and waits: the milliseconds from the event to the outcome. @param {string} file */
    const processOne = async (/** @type {string} */ file) => {
      const datasetId = randomUUID();
      const jobId = randomUUID();
      const key = `raw/${ownerId}/${jobId}.csv`;
      const size = statSync(file).size;
      await s3.send(
        new PutObjectCommand({
          Bucket: env.S3_RAW_BUCKET,
          Key: key,
          Body: createReadStream(file),
          ContentLength: size,
        }),
      );
      await pool.query(
        `INSERT INTO ingestion.datasets (id, owner_id, name, source_type, raw_key, size_bytes) VALUES ($1, $2, 'bench.csv', 'CSV', $3, $4)`,
        [datasetId, ownerId, key, size],
      );
      await pool.query(
        `INSERT INTO ingestion.jobs (id, dataset_id, owner_id, type) VALUES ($1, $2, $3, 'INGESTION')`,
        [jobId, datasetId, ownerId],
      );
      datasets.push(datasetId);
      const sent = performance.now();
      await producer.send({
        topic: 'data.ingestion',
        acks: -1,
        messages: [
          {
            key: jobId,
            value: JSON.stringify({
              eventId: randomUUID(),
              occurredAt: new Date().toISOString(),
              jobId,
              datasetId,
              userId: ownerId,
              sourceType: 'CSV',
              rawObject: { bucket: env.S3_RAW_BUCKET, key },
              sizeBytes: size,
              version: 1,
            }),
          },
        ],
      });
      while (!outcomes.has(jobId)) await new Promise((r) => setTimeout(r, 20));
      const outcome = outcomes.get(jobId);
      await s3.send(new DeleteObjectCommand({ Bucket: env.S3_RAW_BUCKET, Key: key }));
      if (outcome?.event.code) throw new Error(`the bench job failed: ${outcome.event.reason}`);
      return { ms: (outcome?.at ?? NaN) - sent, datasetId, event: outcome?.event, size };
    };

    const csv = join(dir, 'mixed.csv');
    await writeMixedCsv(csv, rows);
    const mb = statSync(csv).size / 1e6;
    console.log(
      `\nProcessor against DuckDB: ${rows.toLocaleString('en')} rows x 10 columns of CSV, ${mb.toFixed(1)} MB (${loadAverage()})`,
    );
    const duckAll = await duckdb(csv, dir, 2);
    const duckOne = await duckdb(csv, dir, 1);
    processor = await startProcessor();
    const ours = await processOne(csv);
    const rss = peakRssMiB(processor.pid);
    console.log(
      `  processor: event -> completion event       ${(ours.ms / 1000).toFixed(2)} s (its own processingTimeMs ${ours.event.processingTimeMs}), peak RSS ${rss.toFixed(0)} MiB, ${(mb / (ours.ms / 1000)).toFixed(1)} MB/s`,
    );
    console.log(
      `  DuckDB: read_csv -> parquet, SUMMARIZE, dups  ${(duckAll / 1000).toFixed(2)} s with 2 threads, ${(duckOne / 1000).toFixed(2)} s with 1 (file local, no S3, nothing stored)`,
    );
    console.log(
      `  ratio processor / DuckDB (2 threads): ${(ours.ms / duckAll).toFixed(2)} (goal <= 1; seed bound 30 s)`,
    );

    const wide = join(dir, 'wide.csv');
    await writeWideCsv(wide, 50, 1000);
    const wideJob = await processOne(wide);
    const query = `query Profile($id: ID!) { profile(datasetId: $id) { rowCount columnCount qualityScore columns { name dataType nullCount uniqueCount min max mean stdDev } issues { type severity column } } }`;
    /** @type {number[]} */
    const times = [];
    for (let i = 0; i < 450; i += 1) {
      const t = performance.now();
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ query, variables: { id: wideJob.datasetId } }),
      });
      const body = /** @type {any} */ (await response.json());
      if (body.errors || body.data?.profile?.columnCount !== 50)
        throw new Error(`profile query: ${JSON.stringify(body).slice(0, 300)}`);
      if (i >= 50) times.push(performance.now() - t);
    }
    console.log(
      '\nprofile(datasetId) through the gateway, 50 columns (goal p95 < 10 ms; seed 200 ms)',
    );
    report('gateway: profile, one at a time', times);

    if (bigGb > 0) {
      const big = join(dir, 'big.csv');
      await repeatWithNewIds(csv, big, Math.max(1, Math.round((bigGb * 1e9) / (mb * 1e6))));
      processor.kill('SIGTERM');
      await once(processor, 'exit');
      processor = await startProcessor();
      const result = await processOne(big);
      console.log(
        `\nprocessor on ${(result.size / 1e9).toFixed(2)} GB of CSV: ${(result.ms / 1000).toFixed(1)} s, peak RSS ${peakRssMiB(processor.pid).toFixed(0)} MiB (goal < 1024 MiB)`,
      );
    } else {
      console.log('\n(peak RSS on a 5 GB CSV: set BENCH_PROCESSOR_BIG_GB=5 to measure it)');
    }
  } finally {
    if (processor && processor.exitCode === null) {
      processor.kill('SIGTERM');
      await once(processor, 'exit');
    }
    await listener.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    for (const id of datasets)
      await s3
        .send(
          new DeleteObjectCommand({
            Bucket: env.S3_DATA_BUCKET,
            Key: `datasets/${id}/v1/data.parquet`,
          }),
        )
        .catch(() => undefined);
    await pool.query('DELETE FROM quality.profiles WHERE dataset_id = ANY($1::uuid[])', [datasets]);
    await pool.query('DELETE FROM quality.processing_runs WHERE dataset_id = ANY($1::uuid[])', [
      datasets,
    ]);
    await pool.query('DELETE FROM ingestion.datasets WHERE id = ANY($1::uuid[])', [datasets]);
    await rm(dir, { recursive: true, force: true });
  }
}
