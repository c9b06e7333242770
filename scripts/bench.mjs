// @ts-check
/**
 * `npm run bench`: prints the platform's figures. Bounded in count and time, loopback only.
 *   1. API latency through the gateway (Property 44: p95 < 200 ms) for a query that crosses two
 *      subgraphs, compared in the same run with the same data asked of the ingestion subgraph
 *      directly (the cost of federation).
 *   2. Kafka -> graphql-ws delivery latency (Property 29: < 100 ms), measured from the start of the
 *      produce call (so it includes the broker round trip) to the subscriber's receipt.
 *   3. The processor's criterion benchmarks, when it has any.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, stackEnv } from './lib/env.mjs';
import { startPlatform } from './lib/platform.mjs';
import { run, setUp } from './lib/steps.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const OFFSET = 200;
const REQUESTS = 400;
const CONCURRENCY = 8;
const MESSAGES = 200;
const env = stackEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn' });

/** @param {number[]} values @param {number} p */
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
/** @param {string} label @param {number[]} ms */
const report = (label, ms) =>
  console.log(
    `  ${label.padEnd(44)} n=${String(ms.length).padStart(4)}  p50=${percentile(ms, 50).toFixed(2)} ms  p95=${percentile(ms, 95).toFixed(2)} ms  p99=${percentile(ms, 99).toFixed(2)} ms`,
  );

/** @param {string} url @param {string} query @param {Record<string, unknown>} variables */
async function latencies(url, query, variables, requests = REQUESTS, concurrency = CONCURRENCY) {
  /** @type {number[]} */
  const out = [];
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      next += 1;
      const t = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = /** @type {{ errors?: unknown }} */ (await response.json());
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      out.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

async function main() {
  setUp(env, { buildProcessor: false, buildClient: false });
  const platform = await startPlatform({
    env,
    offset: OFFSET,
    logDir: join(ROOT, '.data', 'logs', 'bench'),
  });
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
  const user = randomUUID();
  const dataset = randomUUID();
  const job = randomUUID();
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await pool.query(`INSERT INTO identity.users (id, email) VALUES ($1, $2)`, [
      user,
      `bench-${user}@example.com`,
    ]);
    await pool.query(
      `INSERT INTO ingestion.datasets (id, owner_id, name, source_type) VALUES ($1, $2, 'bench.csv', 'CSV')`,
      [dataset, user],
    );
    const gatewayUrl = `${platform.url}/graphql`;
    const ingestionUrl = `http://127.0.0.1:${platform.ports.subgraphs.ingestion}/graphql`;
    const federated = 'query Bench($id: ID!) { dataset(id: $id) { id name owner { email } } }';
    const direct = 'query Bench($id: ID!) { dataset(id: $id) { id name owner { id } } }';
    await latencies(gatewayUrl, federated, { id: dataset }, 50);
    await latencies(ingestionUrl, direct, { id: dataset }, 50);
    for (const concurrency of [1, CONCURRENCY]) {
      console.log(`\nAPI latency (${REQUESTS} requests, ${concurrency} at a time, after warm-up)`);
      const viaGateway = await latencies(
        gatewayUrl,
        federated,
        { id: dataset },
        REQUESTS,
        concurrency,
      );
      report('gateway: dataset + owner (2 subgraphs)', viaGateway);
      const directly = await latencies(
        ingestionUrl,
        direct,
        { id: dataset },
        REQUESTS,
        concurrency,
      );
      report('ingestion subgraph directly (1 subgraph)', directly);
    }
    console.log(`\nKafka -> graphql-ws delivery (${MESSAGES} messages, one at a time)`);
    await producer.connect();
    const client = createClient({
      url: `${platform.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
    });
    /** @type {Map<number, number>} */
    const sentAt = new Map();
    /** @type {number[]} */
    const delivery = [];
    /** @type {(() => void) | undefined} */
    let onReceive;
    client.subscribe(
      { query: `subscription { jobUpdated(jobId: "${job}") { progress rowsProcessed } }` },
      {
        next: (/** @type {any} */ value) => {
          const n = value.data.jobUpdated.rowsProcessed;
          delivery.push(performance.now() - (sentAt.get(n) ?? NaN));
          onReceive?.();
        },
        error: (/** @type {unknown} */ e) => console.error('subscription error', e),
        complete: () => undefined,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (let i = 0; i < MESSAGES; i += 1) {
      const received = new Promise((resolve) => {
        onReceive = () => resolve(undefined);
        setTimeout(resolve, 2000);
      });
      const value = {
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        jobId: job,
        datasetId: dataset,
        status: 'PROCESSING',
        progress: Math.min(100, Math.floor(i / 2)),
        rowsProcessed: i,
      };
      sentAt.set(i, performance.now());
      await producer.send({
        topic: 'data.processing.progress',
        acks: -1,
        messages: [{ key: job, value: JSON.stringify(value) }],
      });
      await received;
    }
    report('produce call -> subscriber receipt', delivery);
    console.log(`  lost: ${MESSAGES - delivery.length}`);
    await client.dispose();
  } finally {
    await producer.disconnect().catch(() => undefined);
    await pool.query('DELETE FROM ingestion.datasets WHERE id = $1', [dataset]);
    await pool.query('DELETE FROM identity.users WHERE id = $1', [user]);
    await pool.end();
    await platform.stop();
  }

  const benches = join(ROOT, 'processor');
  const hasBenches = readdirSync(benches, { recursive: true }).some(
    (f) => String(f).includes('benches/') && String(f).endsWith('.rs'),
  );
  if (existsSync(join(benches, 'Cargo.toml')) && hasBenches) {
    run(
      'processor benchmarks (criterion)',
      'cargo',
      ['bench', '--manifest-path', 'processor/Cargo.toml'],
      env,
    );
  } else {
    console.log('\nprocessor: no criterion benchmarks yet');
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
