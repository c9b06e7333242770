/**
 * Transactional outbox. A service writes its event in the same PostgreSQL transaction as the change
 * that causes it (`enqueueEvent`), so the two commit or roll back together; the relay then publishes
 * pending rows to Kafka in id order and deletes them once Kafka has acknowledged them. If Kafka is
 * down, rows wait and go out when it is back: nothing is lost. One relay per schema is active at a
 * time (an advisory lock), which keeps each key's events in order across service instances.
 *
 * Table, created by each producing service's migration in its own schema:
 *   outbox(id bigserial primary key, topic text, key text, payload jsonb, headers jsonb,
 *          created_at timestamptz, attempts int, last_error text)
 */
import type { Producer } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from './logger';

export interface OutboxEvent {
  topic: string;
  key: string;
  payload: Record<string, unknown>;
  headers?: Record<string, string>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function table(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid outbox schema name: ${schema}`);
  return `"${schema}".outbox`;
}

/** Adds an event to the outbox inside the caller's transaction. */
export async function enqueueEvent(
  client: pg.PoolClient,
  schema: string,
  event: OutboxEvent,
): Promise<void> {
  await client.query(
    `INSERT INTO ${table(schema)} (topic, key, payload, headers) VALUES ($1, $2, $3, $4)`,
    [event.topic, event.key, JSON.stringify(event.payload), JSON.stringify(event.headers ?? {})],
  );
  await client.query('SELECT pg_notify($1, $2)', [`outbox_${schema}`, event.topic]);
}

export interface OutboxRelayOptions {
  pool: pg.Pool;
  schema: string;
  producer: Producer;
  logger: Logger;
  /** Rows published per transaction. */
  batchSize?: number;
  /** Poll interval when idle (NOTIFY wakes the relay sooner). */
  idleMs?: number;
  /** Upper bound of the back-off after a failed publish. */
  maxBackoffMs?: number;
}

interface Row {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private listener: pg.PoolClient | undefined;
  private producerConnected = false;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: Logger;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.idleMs = options.idleMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.log = options.logger.child({ source: 'outbox', schema: options.schema });
    table(options.schema);
    options.producer.on(options.producer.events.CONNECT, () => (this.producerConnected = true));
    options.producer.on(options.producer.events.DISCONNECT, () => (this.producerConnected = false));
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.listener = await this.options.pool.connect();
      this.listener.on('notification', () => this.wake?.());
      await this.listener.query(`LISTEN outbox_${this.options.schema}`);
    } catch (error) {
      this.log.warn({ err: error }, 'outbox LISTEN unavailable; polling only');
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.listener) {
      await this.listener.query(`UNLISTEN *`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
  }

  /** Publishes one batch; returns how many rows went out. Exposed for tests and draining. */
  async publishBatch(): Promise<number> {
    const { pool, producer } = this.options;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [`outbox:${this.options.schema}`],
      );
      if (!lock.rows[0]?.locked) {
        await client.query('ROLLBACK');
        return 0;
      }
      const { rows } = await client.query<Row>(
        `SELECT id, topic, key, payload, headers FROM ${table(this.options.schema)}
          ORDER BY id LIMIT $1 FOR UPDATE`,
        [this.batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      try {
        // Connected on first use and again after Kafka was away (kafkajs does not reconnect a
        // producer that lost its brokers for good).
        if (!this.producerConnected) await producer.connect();
        await producer.sendBatch({
          acks: -1,
          topicMessages: groupByTopic(rows),
        });
      } catch (error) {
        await client.query('ROLLBACK');
        await pool
          .query(
            `UPDATE ${table(this.options.schema)} SET attempts = attempts + 1, last_error = $2
              WHERE id = ANY($1::bigint[])`,
            [rows.map((r) => r.id), String((error as Error).message).slice(0, 500)],
          )
          .catch(() => undefined);
        throw error;
      }
      await client.query(`DELETE FROM ${table(this.options.schema)} WHERE id = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
        backoff = 0;
      } catch (error) {
        backoff = Math.min(Math.max(backoff * 2, 250), this.maxBackoffMs);
        this.log.warn({ err: error, retryInMs: backoff }, 'outbox publish failed; will retry');
      }
      if (published === this.batchSize && backoff === 0) continue;
      await this.sleep(backoff || this.idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function groupByTopic(rows: Row[]) {
  const byTopic = new Map<
    string,
    { key: string; value: string; headers: Record<string, string> }[]
  >();
  for (const row of rows) {
    const messages = byTopic.get(row.topic) ?? [];
    messages.push({ key: row.key, value: JSON.stringify(row.payload), headers: row.headers ?? {} });
    byTopic.set(row.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
