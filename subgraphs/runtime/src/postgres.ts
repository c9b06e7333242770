/** PostgreSQL pool. Statement timeout is set per connection so no query runs unbounded. */
import pg from 'pg';
import type { Logger } from './logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PostgresOptions {
  url: string;
  max: number;
  statementTimeoutMs: number;
  applicationName: string;
}

export function createPool(options: PostgresOptions, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    statement_timeout: options.statementTimeoutMs,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL client error'));
  return pool;
}

/** Runs `fn` in a transaction; rolls back on any error and rethrows it. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
