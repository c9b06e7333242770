/**
 * Talking to a user's PostgreSQL database (the source of an import): connecting with short
 * timeouts, and checking, before anything is queued, that the connection works, that its role can
 * only read (no superuser, no CREATEROLE / CREATEDB / BYPASSRLS, no write privilege on any table
 * the query reads) and that the query plans as a read-only SELECT. Every statement runs in a READ
 * ONLY transaction; the user's query goes through the extended protocol, which takes one
 * statement only.
 *
 * Failures become the platform's errors (the choice of codes is in the README):
 * BAD_USER_INPUT for what the user can fix (credentials, database name, the query, the role,
 * TLS), UPSTREAM_UNAVAILABLE for a server that cannot be reached or does not answer in time.
 * The password is never logged nor put in an error.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AppError, ErrorCode, badInput, type Logger } from '@platform/runtime';
import type { SourceConnection } from './import-rules';

export interface SourceTimeouts {
  connectMs: number;
  statementMs: number;
}

/** A table the query reads, as EXPLAIN names it. */
export interface ReadRelation {
  schema: string;
  name: string;
}

/** Where the connection goes, for logs and messages: never the password. */
export const describeSource = (c: SourceConnection) => ({
  host: c.host,
  port: c.port,
  database: c.database,
  user: c.user,
  ssl: c.ssl,
});

export async function connectSource(
  connection: SourceConnection,
  timeouts: SourceTimeouts,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    password: connection.password,
    ssl: connection.ssl ? { rejectUnauthorized: true, servername: connection.host } : false,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    // The client gives up too, should the server not honour statement_timeout.
    query_timeout: timeouts.statementMs + 1_000,
    application_name: 'platform-import',
  });
  // A connection lost later surfaces as the failure of the running query; never as a crash.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectError(error, connection, timeouts);
  }
}

/**
 * Checks role and query on an open connection (see the module comment); returns the tables the
 * query reads. Leaves nothing behind: the transaction is rolled back.
 */
export async function checkSource(client: pg.Client, query: string): Promise<ReadRelation[]> {
  await client.query('BEGIN READ ONLY');
  try {
    const { rows: roles } = await client.query<{ attribute: string | null }>({
      // Attributes of the role, or of any role it can SET ROLE to.
      text: `SELECT CASE WHEN bool_or(rolsuper) THEN 'SUPERUSER'
                         WHEN bool_or(rolcreaterole) THEN 'CREATEROLE'
                         WHEN bool_or(rolcreatedb) THEN 'CREATEDB'
                         WHEN bool_or(rolbypassrls) THEN 'BYPASSRLS' END AS attribute
               FROM pg_roles WHERE pg_has_role(current_user, oid, 'MEMBER')`,
    });
    const attribute = roles[0]?.attribute;
    if (attribute) {
      throw badInput(
        `This connection can change data (its role has ${attribute}): use a read-only role.`,
        { field: 'connection.user', reason: attribute },
      );
    }
    const plan = await client
      .query<{ 'QUERY PLAN': unknown }>({
        // A named statement goes through the extended protocol: one statement, never more.
        name: `platform_import_${randomUUID()}`,
        text: `EXPLAIN (FORMAT JSON, VERBOSE) ${query}`,
      })
      .catch((error: unknown) => {
        throw queryError(error);
      });
    const relations = inspectPlan(plan.rows[0]?.['QUERY PLAN']);
    if (relations.length > 0) {
      const { rows } = await client.query<{ schema: string; name: string }>({
        text: `SELECT r.schema, r.name FROM unnest($1::text[], $2::text[]) AS r(schema, name)
                WHERE has_table_privilege(format('%I.%I', r.schema, r.name),
                                          'INSERT, UPDATE, DELETE, TRUNCATE')`,
        values: [relations.map((r) => r.schema), relations.map((r) => r.name)],
      });
      if (rows.length > 0) {
        throw badInput(
          `This connection can change data (it may write to ${rows.map((r) => `${r.schema}.${r.name}`).join(', ')}): use a read-only role.`,
          { field: 'connection.user', reason: 'WRITE_PRIVILEGE' },
        );
      }
    }
    return relations;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * The tables in an EXPLAIN (FORMAT JSON, VERBOSE) plan; refuses a plan that writes (ModifyTable)
 * or locks rows (LockRows), which the text check may have missed.
 */
export function inspectPlan(document: unknown): ReadRelation[] {
  const found = new Map<string, ReadRelation>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record['Node Type'] === 'ModifyTable') {
      throw badInput('The query changes data: import with a plain SELECT.', { field: 'query' });
    }
    if (record['Node Type'] === 'LockRows') {
      throw badInput('The query locks rows (FOR UPDATE or FOR SHARE): use a plain SELECT.', {
        field: 'query',
      });
    }
    const name = record['Relation Name'];
    const schema = record['Schema'];
    if (typeof name === 'string' && typeof schema === 'string') {
      found.set(`${schema}.${name}`, { schema, name });
    }
    Object.values(record).forEach(visit);
  };
  visit(document);
  return [...found.values()];
}

interface PgError {
  code?: string;
  message?: string;
}

const text = (error: unknown) => String((error as PgError)?.message ?? error).slice(0, 300);

/** A failure to connect, as the user should hear it. */
export function connectError(
  error: unknown,
  connection: SourceConnection,
  timeouts: SourceTimeouts,
): AppError {
  const { code = '', message = '' } = (error ?? {}) as PgError;
  const where = `${connection.host}:${connection.port}`;
  const field = { field: 'connection' };
  switch (code) {
    case '28P01':
    case '28000':
      return badInput('The database server refused this user name and password.', field);
    case '3D000':
      return badInput(`There is no database "${connection.database}" on that server.`, {
        field: 'connection.database',
      });
    case '42501':
      return badInput('This user may not connect to that database.', field);
    case 'ECONNREFUSED':
      return unavailable(`Nothing accepts connections at ${where}: check the host and port.`);
    case 'ENOTFOUND':
      return badInput(`The host name ${connection.host} is not known.`, {
        field: 'connection.host',
      });
  }
  if (/timeout expired|connection timeout/i.test(message)) {
    const seconds = timeouts.connectMs / 1000;
    return unavailable(`The database server at ${where} did not answer within ${seconds} s.`);
  }
  if (/does not support SSL/i.test(message)) {
    return badInput('The server does not accept SSL connections: set ssl to false.', field);
  }
  if (/^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code)) {
    return badInput("The server's TLS certificate could not be verified.", field);
  }
  if (/^[0-9A-Z]{5}$/.test(code)) {
    return badInput(`The database server refused the connection: ${text(error)}`, field);
  }
  return unavailable(`Could not connect to the database server at ${where}.`, error);
}

/**
 * A failure of the query itself (syntax, unknown table, read-only violation...), a time-out, or a
 * lost connection; anything else is returned as it is (an internal error).
 */
export function queryError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const { code = '' } = (error ?? {}) as PgError;
  if (code === '57014' || /timeout/i.test(text(error))) {
    return unavailable('The source database took too long to check the query.', error);
  }
  if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08')) {
    return badInput(`The query does not run on the source database: ${text(error)}`, {
      field: 'query',
      sqlState: code,
    });
  }
  if (code.startsWith('08') || /terminated|ECONNRESET|EPIPE|connection/i.test(text(error))) {
    return unavailable('The connection to the source database was lost.', error);
  }
  return error;
}

const unavailable = (message: string, cause?: unknown) =>
  new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, message, cause ? { cause } : {});

/** Connects, checks, closes: the whole validation of an import request. */
export async function validateSource(
  connection: SourceConnection,
  query: string,
  timeouts: SourceTimeouts,
  log: Logger,
): Promise<ReadRelation[]> {
  const client = await connectSource(connection, timeouts);
  try {
    return await checkSource(client, query);
  } catch (error) {
    if (error instanceof AppError) throw error;
    log.warn({ err: error, source: describeSource(connection) }, 'checking a source failed');
    throw queryError(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
