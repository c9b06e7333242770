// @ts-check
/**
 * `npm run bench`: prints the platform's figures. Bounded in count and time, loopback only.
 *   1. API latency through the gateway (Property 44: p95 < 200 ms) for a query that crosses two
 *      subgraphs, compared in the same run with the same data asked of the ingestion subgraph
 *      directly (the cost of federation).
 *   2. Kafka -> graphql-ws delivery latency (Property 29: < 100 ms), measured from the start of the
 *      produce call (so it includes the broker round trip) to the subscriber's receipt.
 *   3. What authentication + rate limiting add at the gateway: the same operation through two
 *      in-process gateways over the same subgraphs, one with the guard and one without, requests
 *      interleaved so both see the same machine state.
 *   4. Uploads (scripts/bench/uploads.mjs): createUpload / completeUpload latency with 50 users at
 *      once (goal: p95 < 50 ms whatever the size), and a 1 GiB upload through presigned multipart
 *      URLs against one AWS SDK PutObject of the same file.
 *   5. The processor (scripts/bench/processor.mjs): a 1M-row CSV from event to completion against
 *      DuckDB doing the same work, its peak RSS, and `profile` through the gateway.
 *   6. Asking in plain language (scripts/bench/ask.mjs): `ask` on a 1M-row data set, uncached and
 *      cached, against DuckDB running the same SQL directly; the built-in engine's accuracy.
 *   7. The processor's criterion benchmarks, when it has any.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, stackEnv } from './lib/env.mjs';
import { startPlatform } from './lib/platform.mjs';
import { run, setUp } from './lib/steps.mjs';
import { percentile, report } from './bench/stats.mjs';
import { benchUploads } from './bench/uploads.mjs';
import { benchProcessor } from './bench/processor.mjs';
import { benchAsk } from './bench/ask.mjs';

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

/** The bench user's credentials, set once signed in. @type {Record<string, string>} */
let auth = {};

/** One timed POST; throws on a GraphQL error. @param {string} url @param {string} query @param {Record<string, unknown>} variables */
async function timed(url, query, variables) {
  const t = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ query, variables }),
  });
  const body = /** @type {{ errors?: unknown }} */ (await response.json());
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return performance.now() - t;
}

/** @param {string} url @param {string} query @param {Record<string, unknown>} variables */
async function latencies(url, query, variables, requests = REQUESTS, concurrency = CONCURRENCY) {
  /** @type {number[]} */
  const out = [];
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      next += 1;
      out.push(await timed(url, query, variables));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/**
 * Authentication + rate limiting at the gateway (issue 3's figure, goal < 1 ms at p95): two
 * gateways in this process over the platform's subgraphs, identical but for the guard (token
 * verification, revocation check and counters in one Redis round trip). Requests alternate between
 * them, one at a time; the subgraphs verify the token in both.
 * @param {{ ports: { subgraphs: Record<string, number> } }} platform
 * @param {string} query @param {Record<string, unknown>} variables
 */
async function guardOverhead(platform, query, variables) {
  const { loadGatewayConfig } = require(join(ROOT, 'gateway', 'dist', 'env.js'));
  const { startGateway } = require(join(ROOT, 'gateway', 'dist', 'server.js'));
  const { createLogger } = require(join(ROOT, 'subgraphs', 'runtime', 'dist', 'index.js'));
  const urls = Object.fromEntries(
    Object.entries(platform.ports.subgraphs).map(([name, port]) => [
      `${name.toUpperCase()}_URL`,
      `http://127.0.0.1:${port}/graphql`,
    ]),
  );
  const config = loadGatewayConfig({
    ...env,
    ...urls,
    GATEWAY_PORT: '0',
    CLIENT_DIST: '/nonexistent',
    RATE_LIMIT_PREFIX: `rl-bench-${randomUUID().slice(0, 8)}`,
    RATE_LIMIT_OPERATIONS_PER_HOUR: '1000000',
  });
  const logger = createLogger('bench-gateway', 'warn');
  const guarded = await startGateway(config, logger);
  const unguarded = await startGateway(config, logger, { unguarded: true });
  const rounds = 2000;
  try {
    for (let i = 0; i < 100; i += 1) {
      await timed(`${guarded.url}/graphql`, query, variables);
      await timed(`${unguarded.url}/graphql`, query, variables);
    }
    /** @type {number[]} */ const withGuard = [];
    /** @type {number[]} */ const withoutGuard = [];
    // Interleaved, alternating which goes first, so drift and ordering effects hit both alike.
    for (let i = 0; i < rounds; i += 1) {
      if (i % 2 === 0) {
        withGuard.push(await timed(`${guarded.url}/graphql`, query, variables));
        withoutGuard.push(await timed(`${unguarded.url}/graphql`, query, variables));
      } else {
        withoutGuard.push(await timed(`${unguarded.url}/graphql`, query, variables));
        withGuard.push(await timed(`${guarded.url}/graphql`, query, variables));
      }
    }
    console.log(
      `\nAuthentication + rate limiting at the gateway (${rounds} each, interleaved, 1 at a time)`,
    );
    report('with (verify, revocation + counters in Redis)', withGuard);
    report('without', withoutGuard);
    const added = (/** @type {number} */ p) =>
      percentile(withGuard, p) - percentile(withoutGuard, p);
    console.log(
      `  added latency: p50=${added(50).toFixed(2)} ms  p95=${added(95).toFixed(2)} ms  (goal: < 1 ms at p95)`,
    );
  } finally {
    await guarded.close();
    await unguarded.close();
  }
}

async function main() {
  setUp(env, { buildProcessor: false, buildClient: false });
  const platform = await startPlatform({
    env: {
      ...env,
      // The upload benchmark signs in 50 more users from 127.0.0.1: more than the default 100
      // sign-ins per address in 15 minutes allows over two runs.
      LOGIN_LIMIT_PER_ADDRESS: '1000',
      // Production requires it; the bench imports no database, so a key for this run will do.
      IMPORT_CREDENTIALS_KEY: env.IMPORT_CREDENTIALS_KEY ?? randomBytes(32).toString('base64'),
    },
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
    const runtime = require(join(ROOT, 'subgraphs', 'runtime', 'dist', 'index.js'));
    const email = `bench-${user}@example.com`;
    const password = randomUUID();
    await pool.query(
      `INSERT INTO identity.users (id, email, role, tier, password_hash) VALUES ($1, $2, 'analyst', 'premium', $3)`,
      [user, email, await runtime.hashPassword(password)],
    );
    const signIn = await fetch(`${platform.url}/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    auth = { authorization: `Bearer ${cookie.slice(cookie.indexOf('=') + 1)}` };
    await pool.query(
      `INSERT INTO ingestion.datasets (id, owner_id, name, source_type) VALUES ($1, $2, 'bench.csv', 'CSV')`,
      [dataset, user],
    );
    await pool.query(
      `INSERT INTO ingestion.jobs (id, dataset_id, owner_id, type) VALUES ($1, $2, $3, 'INGESTION')`,
      [job, dataset, user],
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
    await guardOverhead(platform, federated, { id: dataset });
    console.log(`\nKafka -> graphql-ws delivery (${MESSAGES} messages, one at a time)`);
    await producer.connect();
    const client = createClient({
      url: `${platform.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: auth.authorization },
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
    await benchUploads({ env, pool, gatewayUrl: platform.url });
    await benchProcessor({ env, pool, gatewayUrl, auth, ownerId: user });
    await benchAsk({
      env,
      pool,
      gatewayUrl,
      queryUrl: `http://127.0.0.1:${platform.ports.subgraphs.query}/graphql`,
      auth,
      ownerId: user,
    });
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
