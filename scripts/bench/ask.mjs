// @ts-check
/**
 * Asking in plain language, for `npm run bench` (issue 6), beside DuckDB running the same SQL
 * directly in the same run:
 *   - a deterministic 1M-row sales data set (date, region, category, product, quantity, price,
 *     discount, returned) as the processor leaves it: Parquet in S3 and its profile row;
 *   - `ask` through the gateway, uncached (the result cache is emptied before each request; the
 *     emptying is not timed): goal p95 < 300 ms, seed bound 2 s (Property 45); the same SQL on an
 *     in-memory DuckDB holding the same table with the same thread count;
 *   - `ask` again with the cache warm: goal p95 < 15 ms;
 *   - the built-in engine's execution accuracy on the golden set, the held-out set and the set
 *     of unseen data sets (the test harness prints it).
 * Bounded: 10 questions x BENCH_ASK_ROUNDS rounds each way (default 8: about 250 asks, within the
 * premium hourly limit of 1000). Everything it created is removed.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from '../lib/env.mjs';
import { loadAverage, report } from './stats.mjs';

const require = createRequire(import.meta.url);
const { PutObjectCommand, DeleteObjectCommand } = require('@aws-sdk/client-s3');
const { DuckDBInstance } = require('@duckdb/node-api');
const { Redis } = require('ioredis');

const ROWS = Number(process.env.BENCH_ASK_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ASK_ROUNDS ?? 8);
const QUESTIONS = [
  'total price by region',
  'average quantity per month',
  'top 5 products by total price',
  'how many orders in 2024',
  'share of orders by category',
  'median discount by region and category',
  'number of returned orders per quarter',
  'average price of orders from North excluding Toys',
  'max quantity for each category in 2025',
  'how many distinct products were sold',
];

const TABLE = `
  SELECT DATE '2023-01-01' + CAST(hash(i, 1) % 1096 AS INTEGER) AS order_date,
         ['North', 'South', 'East', 'West', 'Central', 'Coast', 'Mountain', 'Islands'][CAST(1 + hash(i, 2) % 8 AS BIGINT)] AS region,
         ['Toys', 'Books', 'Garden', 'Kitchen', 'Sports', 'Music', 'Office', 'Health', 'Beauty', 'Tools', 'Games', 'Pets'][CAST(1 + hash(i, 3) % 12 AS BIGINT)] AS category,
         'product-' || (hash(i, 4) % 1000) AS product,
         CAST(1 + hash(i, 5) % 20 AS BIGINT) AS quantity,
         round(1 + (hash(i, 6) % 100000) / 100.0, 2) AS price,
         (hash(i, 7) % 30) / 100.0 AS discount,
         hash(i, 8) % 10 = 0 AS returned
    FROM range(${ROWS}) t(i)`;

const TYPES = /** @type {Record<string, string>} */ ({
  DATE: 'date',
  VARCHAR: 'string',
  BIGINT: 'integer',
  DOUBLE: 'float',
  BOOLEAN: 'boolean',
  'DECIMAL(18,2)': 'float',
});

/** @param {any} db @param {string} sql */
const rows = async (db, sql) => (await db.runAndReadAll(sql)).getRowsJson();

/** The profile row's columns, computed with DuckDB as the processor computes them. @param {any} db */
async function profileColumns(db) {
  const described = await rows(db, 'SELECT column_name, column_type FROM (DESCRIBE data)');
  const columns = [];
  for (const [name, sqlType] of described) {
    const type = TYPES[sqlType] ?? 'string';
    const numeric = type === 'integer' || type === 'float';
    const [[nulls, distinct, min, max, mean]] = await rows(
      db,
      `SELECT count(*) - count("${name}"), approx_count_distinct("${name}"), CAST(min("${name}") AS VARCHAR),
              CAST(max("${name}") AS VARCHAR), ${numeric ? `avg("${name}")` : 'NULL'} FROM data`,
    );
    columns.push({
      name,
      data_type: type,
      null_count: Number(nulls),
      null_percentage: 0,
      unique_count: Number(distinct),
      min_value: min,
      max_value: max,
      mean: mean === null ? null : Number(mean),
    });
  }
  return columns;
}

/**
 * @param {{ env: Record<string, string | undefined>, pool: any, gatewayUrl: string,
 *   queryUrl: string, auth: Record<string, string>, ownerId: string }} options
 */
export async function benchAsk({ env, pool, gatewayUrl, queryUrl, auth, ownerId }) {
  console.log(
    `\nAsk in plain language: ${ROWS.toLocaleString('en-US')} rows, ${QUESTIONS.length} questions x ${ROUNDS} rounds (${loadAverage()})`,
  );
  const { createS3 } = require(join(ROOT, 'subgraphs', 'runtime', 'dist', 'index.js'));
  const s3 = createS3({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const datasetId = randomUUID();
  const key = `datasets/${datasetId}/v1/data.parquet`;
  const dir = await mkdtemp(join(tmpdir(), 'bench-ask-'));
  const db = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
  try {
    await db.run(`CREATE TABLE data AS ${TABLE}`);
    const file = join(dir, 'data.parquet');
    await db.run(`COPY data TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    await s3.send(
      new PutObjectCommand({ Bucket: env.S3_DATA_BUCKET, Key: key, Body: readFileSync(file) }),
    );
    const columns = await profileColumns(db);
    await pool.query(
      `INSERT INTO quality.profiles (dataset_id, version, row_count, column_count, size_bytes, quality_score, columns, owner_id)
       VALUES ($1, 1, $2, $3, 0, 1, $4, $5)`,
      [datasetId, ROWS, columns.length, JSON.stringify(columns), ownerId],
    );

    /** @param {string} question @returns {Promise<{ ms: number, sql: string, cached: boolean }>} */
    const ask = async (question, url = gatewayUrl) => {
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({
          query:
            'mutation($d: ID!, $q: String!) { ask(datasetId: $d, question: $q) { status sql cached rowCount } }',
          variables: { d: datasetId, q: question },
        }),
      });
      const body = /** @type {any} */ (await response.json());
      const ms = performance.now() - started;
      const answer = body.data?.ask;
      if (!answer || answer.status !== 'ANSWERED')
        throw new Error(`${question}: ${JSON.stringify(body)}`);
      return { ms, sql: answer.sql, cached: answer.cached };
    };
    const forget = async () => {
      const keys = await redis.keys(`query:*:${datasetId}:*`);
      if (keys.length) await redis.del(...keys);
    };

    // First use loads the Parquet from S3 into the service's DuckDB: timed apart.
    const load = performance.now();
    await ask(QUESTIONS[0] ?? 'how many rows');
    console.log(
      `  first ask (S3 fetch + load of the data set): ${(performance.now() - load).toFixed(0)} ms`,
    );

    /** @type {number[]} */ const uncached = [];
    /** @type {number[]} */ const direct = [];
    /** @type {number[]} */ const cached = [];
    /** @type {number[]} */ const cachedDirect = [];
    /** @type {Map<string, string>} */ const sqlOf = new Map();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const question of QUESTIONS) {
        await forget();
        const answer = await ask(question);
        if (answer.cached) throw new Error('the cache was not emptied');
        uncached.push(answer.ms);
        sqlOf.set(question, answer.sql);
        const t = performance.now();
        await db.runAndReadAll(answer.sql);
        direct.push(performance.now() - t);
      }
    }
    // Warm: every question's answer cached once (the uncached rounds emptied the cache each time).
    for (const question of QUESTIONS) await ask(question);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const question of QUESTIONS) {
        const answer = await ask(question);
        if (!answer.cached) throw new Error('expected a cached answer');
        cached.push(answer.ms);
        cachedDirect.push((await ask(question, queryUrl)).ms);
      }
    }
    report('ask, uncached (gateway -> answer)', uncached);
    report('DuckDB, same SQL directly (in process)', direct);
    report('ask, cached', cached);
    report('ask, cached, query subgraph directly', cachedDirect);
  } finally {
    db.closeSync();
    await pool.query('DELETE FROM query.queries WHERE dataset_id = $1', [datasetId]);
    await pool.query('DELETE FROM quality.profiles WHERE dataset_id = $1', [datasetId]);
    await s3
      .send(new DeleteObjectCommand({ Bucket: env.S3_DATA_BUCKET, Key: key }))
      .catch(() => undefined);
    const keys = await redis.keys(`query:*:${datasetId}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    s3.destroy();
    await rm(dir, { recursive: true, force: true });
  }

  console.log('\nBuilt-in NL-to-SQL engine, execution accuracy');
  const scored = spawnSync(
    'npx',
    ['jest', '--selectProjects', 'unit', 'subgraphs/query/test/golden.test.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, GOLDEN_REPORT: 'summary' },
      encoding: 'utf8',
    },
  );
  const lines = `${scored.stdout}`.split('\n').filter((l) => l.startsWith('  accuracy'));
  console.log(
    lines.length ? lines.join('\n') : `  could not score the golden sets:\n${scored.stderr}`,
  );
}
