/**
 * The production warehouse: Snowflake, through `snowflake-sdk`, behind the same `Warehouse`
 * interface as the embedded DuckDB.
 *
 * Loading. Each data set version gets its own transient table in the configured database and
 * schema, `DS_<data set id, 32 hex>_V<version>`, loaded once from the processor's Parquet file
 * through the configured external stage over the data bucket
 * (`@<stage>/datasets/<id>/v<n>/data.parquet`): `INFER_SCHEMA` gives the columns,
 * `CREATE TABLE ... USING TEMPLATE` creates the table and `COPY INTO ... MATCH_BY_COLUMN_NAME`
 * fills it. A version never changes, so a table that exists is complete and is never loaded
 * again; to make that true across processes, the table is loaded under a private name and then
 * renamed into place (the rename is atomic and fails if another process got there first), so no
 * query ever sees a half-loaded or doubly-loaded table. Concurrent first uses in one process share
 * one load (single flight); a failed load is forgotten, so the next run tries again.
 *
 * Naming the table. The validator lets a statement read only `data`, so the statement Snowflake
 * runs gets a CTE `data AS (SELECT * FROM <db>.<schema>.<version table>)` first: put before a
 * plain SELECT, or merged into the statement's own `WITH` list (as its first entry, so a
 * statement CTE may refer to it, after `RECURSIVE` when present). The table is named fully
 * qualified, which no CTE name can shadow, so a statement whose own CTE is named like the version
 * table (or any other table) cannot redirect it. No session state is switched per query, so any
 * pooled session can run any version. The result is then capped (`capped()`): at most
 * `maxRows + 1` rows come back and `truncated` says whether there were more. (Snowflake does not
 * promise that an ORDER BY inside a subquery orders the outer query; like the DuckDB adapter,
 * this relies on a bare `SELECT * FROM (...) LIMIT n` keeping the order of its input.)
 *
 * Identifier case. Snowflake stores and resolves unquoted names in upper case but quoted ones
 * as written, while the engines and models write `price` and `"Temp Max"` for Parquet columns
 * named `price` and `Temp Max` (DuckDB resolves both case-insensitively). Every session therefore
 * sets `QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE`, under which quoted names are also resolved in
 * upper case, and the table's columns are created with upper-case names to match (a name created
 * in mixed case could not be referenced at all under that setting). Result columns come back in
 * upper case; they are given back the spelling the statement used for them (`AS average_price`,
 * `"Temp Max"`) or else the Parquet file's own, so charts keyed by the engines' output names find
 * them.
 *
 * Limits. Each session has `STATEMENT_TIMEOUT_IN_SECONDS` (Snowflake stops a statement there
 * even if this process is gone; loads get a longer one) and each run cancels its statement when
 * the caller's `timeoutMs` passes, then reports `TIMEOUT` at once. Sessions run one statement
 * per request (`MULTI_STATEMENT_COUNT = 1`) in UTC, tagged for the account's query history.
 *
 * Values come back as JSON: NUMBER as a number up to 2^53 and as exact text beyond, FLOAT's
 * NaN and infinities as text, DATE as `YYYY-MM-DD`, timestamps as ISO 8601 (with `Z` when they
 * denote an instant), BINARY as hex, VARIANT/OBJECT/ARRAY as their JSON.
 *
 * Failures: Snowflake's statement timeout (000630) or our cancel -> `TIMEOUT`; connection,
 * authentication, network, warehouse or load failures -> `UNAVAILABLE` with a fixed message (the
 * driver's may name the account URL); compilation and execution errors of the statement ->
 * `QUERY_FAILED` with Snowflake's message, cleaned of positions in the rewritten SQL and with
 * the version's table called `data`.
 *
 * The role needs USAGE on the warehouse, database, schema and stage, and CREATE TABLE and
 * CREATE FILE FORMAT on the schema (the adapter creates one Parquet file format there).
 *
 * `snowflake-sdk` itself is loaded only when a Snowflake connector is created (see
 * `loadSnowflakeDriver`), so a service running DuckDB never loads it.
 */
import { randomBytes } from 'node:crypto';
import type * as snowflake from 'snowflake-sdk';
import { tokenizeSql, significant } from '../sql/snowflake-validator';
import {
  WarehouseError,
  capped,
  type DatasetVersion,
  type Json,
  type QueryResult,
  type ResultColumn,
  type RunOptions,
  type Warehouse,
} from './warehouse';

// ---------------------------------------------------------------------------------------------
// The driver connection, injectable

/** A result column as the driver describes it (`type` is the driver's: `fixed`, `text`...). */
export interface SnowflakeColumn {
  name: string;
  type: string;
  precision?: number | null;
  scale?: number | null;
}

export interface SnowflakeResult {
  columns: SnowflakeColumn[];
  /** Row-major, in column order, as `snowflake-sdk` returns them with NUMBER fetched as text. */
  rows: unknown[][];
}

export type SnowflakeBind = string | number | boolean | null;

/** One Snowflake session, running one statement at a time. */
export interface SnowflakeConnection {
  execute(sqlText: string, binds?: readonly SnowflakeBind[]): Promise<SnowflakeResult>;
  /** Cancels the statement running now, if any (its `execute` then rejects). */
  cancel(): Promise<void>;
  destroy(): Promise<void>;
}

/** Opens authenticated sessions; `snowflake-sdk` in production, a recorder in tests. */
export interface SnowflakeConnector {
  connect(): Promise<SnowflakeConnection>;
}

// ---------------------------------------------------------------------------------------------
// Options

export type SnowflakeAuth =
  | { kind: 'password'; password: string }
  /** Key-pair authentication: a PKCS#8 PEM private key, encrypted when a passphrase is given. */
  | { kind: 'keyPair'; privateKey: string; passphrase?: string };

export interface SnowflakeConnectionSettings {
  /** Account identifier, e.g. `myorg-myaccount`. */
  account: string;
  username: string;
  auth: SnowflakeAuth;
  /** The virtual warehouse that runs the statements. */
  warehouse: string;
  database: string;
  schema: string;
  role?: string;
  /** A full endpoint instead of the account's default one (private link, tests). */
  accessUrl?: string;
}

export interface SnowflakeWarehouseOptions extends SnowflakeConnectionSettings {
  /** External stage over the data bucket, e.g. `ANALYTICS.PUBLIC.DATA_BUCKET`. */
  stage: string;
  /** Snowflake's own limit per query statement (a backstop to the caller's timeout). */
  statementTimeoutSeconds: number;
  /** The limit for the statements that load a version (a large COPY takes a while). */
  loadTimeoutSeconds: number;
  /** Sessions open at most. */
  poolSize: number;
  /** The Parquet file format the adapter creates in `database.schema`. */
  fileFormat?: string;
  /** Default: `snowflake-sdk` with the settings above. */
  connector?: SnowflakeConnector;
  /** Where the driver's own log lines go (default: only its errors, to stderr). */
  logger?: snowflake.SnowflakeLogger;
}

/** Names that are put into SQL unquoted: plain identifiers, optionally dot-qualified. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const QUALIFIED = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DEFAULT_FILE_FORMAT = 'PLATFORM_PARQUET';
const QUERY_TAG = 'ai-analytics-platform/query';

// ---------------------------------------------------------------------------------------------
// The SQL the adapter sends

/** The version's table, unqualified: `DS_<32 hex>_V<n>`. */
export function versionTableName(d: DatasetVersion): string {
  if (!UUID.test(d.datasetId) || !Number.isSafeInteger(d.version) || d.version < 1) {
    throw new WarehouseError('UNAVAILABLE', 'The data set version is not a valid reference.');
  }
  return `DS_${d.datasetId.replace(/-/g, '').toUpperCase()}_V${d.version}`;
}

/** The stage folder of a version, as the processor writes it. */
export const stagePath = (stage: string, d: DatasetVersion) =>
  `@${stage}/datasets/${d.datasetId}/v${d.version}/`;

export function sessionSettings(statementTimeoutSeconds: number): string {
  return [
    'ALTER SESSION SET',
    '  QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE',
    `  STATEMENT_TIMEOUT_IN_SECONDS = ${statementTimeoutSeconds}`,
    '  MULTI_STATEMENT_COUNT = 1',
    '  ABORT_DETACHED_QUERY = TRUE',
    "  TIMEZONE = 'UTC'",
    `  QUERY_TAG = '${QUERY_TAG}'`,
  ].join('\n');
}

/**
 * `sql` with the CTE that names the version's table `data`: merged into a leading `WITH`
 * (after `RECURSIVE`), put before a leading `SELECT`, or around anything else.
 */
export function withDataTable(sql: string, table: string): string {
  const cte = `data AS (SELECT * FROM ${table})`;
  const words = significant(tokenizeSql(sql));
  const first = words[0];
  if (first?.kind === 'word' && first.text.toUpperCase() === 'WITH') {
    const second = words[1];
    const after =
      second?.kind === 'word' && second.text.toUpperCase() === 'RECURSIVE' ? second : first;
    return `${sql.slice(0, after.end)} ${cte},${sql.slice(after.end)}`;
  }
  if (first?.kind === 'word' && first.text.toUpperCase() === 'SELECT') {
    return `WITH ${cte}\n${sql}`;
  }
  return `WITH ${cte}\nSELECT * FROM (\n${sql}\n)`;
}

// ---------------------------------------------------------------------------------------------
// Values

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function numberValue(value: unknown): Json {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') {
    return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
  }
  const text = String(value).trim();
  const number = Number(text);
  if (!Number.isFinite(number)) return text;
  // Beyond 2^53 a double no longer holds every integer: keep Snowflake's exact digits.
  return Math.abs(number) <= Number.MAX_SAFE_INTEGER ? number : text;
}

function floatValue(value: unknown): Json {
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (Number.isFinite(number)) return number;
  const text = String(value).trim().toLowerCase();
  if (text === 'nan' || Number.isNaN(number)) return /inf/.test(text) ? infinity(text) : 'NaN';
  return number > 0 ? 'Infinity' : '-Infinity';
}
const infinity = (text: string) => (text.startsWith('-') ? '-Infinity' : 'Infinity');

const isDate = (value: unknown): value is Date =>
  value instanceof Date && !Number.isNaN(value.getTime());

const hex = (value: Uint8Array) => Buffer.from(value).toString('hex').toUpperCase();

/** Any driver value (VARIANT contents included) as JSON. */
function plainJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return numberValue(value);
  if (isDate(value)) return value.toISOString();
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  }
  return String(value);
}

/** One value of a result column as JSON. */
export function jsonValue(value: unknown, column: SnowflakeColumn): Json {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'fixed':
      return numberValue(value);
    case 'real':
      return floatValue(value);
    case 'date':
      return isDate(value) ? value.toISOString().slice(0, 10) : String(value);
    case 'timestamp_ntz':
      // A wall-clock time: the driver builds it in UTC; no zone is claimed.
      return isDate(value) ? value.toISOString().replace(/Z$/, '') : String(value);
    case 'timestamp_ltz':
    case 'timestamp_tz':
      return isDate(value) ? value.toISOString() : String(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : /^(true|1)$/i.test(String(value));
    case 'binary':
      return value instanceof Uint8Array ? hex(value) : String(value);
    default:
      return plainJson(value);
  }
}

/** The Snowflake type name of a result column. */
export function typeName(column: SnowflakeColumn): string {
  switch (column.type) {
    case 'fixed':
      return typeof column.precision === 'number'
        ? `NUMBER(${column.precision},${column.scale ?? 0})`
        : 'NUMBER';
    case 'real':
      return 'FLOAT';
    case 'text':
      return 'VARCHAR';
    default:
      return column.type.toUpperCase();
  }
}

/**
 * Upper-cased name -> the spelling to report for a result column of that name: an alias the
 * statement gives (`AS average_price`), else a quoted name it writes (`"Temp Max"`), else the
 * Parquet file's column name, else any other word of the statement as written.
 */
export function spellings(sql: string, fileColumns: readonly string[]): Map<string, string> {
  const tokens = significant(tokenizeSql(sql));
  const names = new Map<string, string>();
  const add = (name: string) => {
    const key = name.toUpperCase();
    if (!names.has(key)) names.set(key, name);
  };
  tokens.forEach((token, i) => {
    const previous = tokens[i - 1];
    const named = token.kind === 'word' || token.kind === 'quoted';
    if (named && previous?.kind === 'word' && previous.text.toUpperCase() === 'AS') add(token.text);
  });
  for (const token of tokens) if (token.kind === 'quoted') add(token.text);
  for (const name of fileColumns) add(name);
  for (const token of tokens) if (token.kind === 'word') add(token.text);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Errors

interface DriverError {
  name?: unknown;
  code?: unknown;
  sqlState?: unknown;
  message?: unknown;
}

const asDriverError = (error: unknown): DriverError =>
  typeof error === 'object' && error !== null ? (error as DriverError) : {};

const codeOf = (error: unknown) => String(asDriverError(error).code ?? '');

/** Snowflake's statement timeout (000630) or a cancelled statement (000604). */
const isCancelCode = (code: string) => code === '000630' || code === '000604';

/** A failure of the SQL itself (compilation, data, unsupported feature), not of the service. */
function isQueryFailure(error: unknown): boolean {
  const { name, sqlState } = asDriverError(error);
  const code = codeOf(error);
  if (name !== 'OperationFailedError') return false;
  if (/^39\d{4}$/.test(code)) return false; // authentication and session
  const state = typeof sqlState === 'string' ? sqlState : '';
  // 08: connection; 57: operator intervention / resource unavailable (e.g. no warehouse);
  // XX: internal error.
  return !/^(08|57|XX)/.test(state);
}

function unavailableMessage(error: unknown): string {
  const { name } = asDriverError(error);
  const code = codeOf(error);
  if (/^39\d{4}$/.test(code)) {
    return 'Snowflake did not accept the configured credentials or session.';
  }
  if (name === 'NetworkError' || name === 'RequestFailedError' || /^40[12]\d{3}$/.test(code)) {
    return 'Snowflake could not be reached.';
  }
  if (name === 'OperationFailedError') {
    return 'The Snowflake warehouse is not available to run the query.';
  }
  return 'The Snowflake warehouse is not available.';
}

/** Snowflake's message for a person: no SQL positions, no internal table names, no URLs. */
export function cleanSnowflakeMessage(error: unknown): string {
  const raw = asDriverError(error).message;
  const message = (typeof raw === 'string' ? raw : String(error))
    .replace(/^\s*SQL (compilation|execution) error:\s*/i, '')
    .replace(/\berror line \d+ at position \d+\s*/gi, '')
    .replace(/(\b[A-Za-z0-9_$]+\.){0,2}DS_[0-9A-F]{32}_V\d+\b/gi, 'data')
    .replace(/https?:\/\/\S+/g, '(the warehouse)')
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = message.charAt(0).toUpperCase() + message.slice(1);
  return sentence.length > 500
    ? `${sentence.slice(0, 497)}...`
    : sentence || 'Snowflake could not run the SQL.';
}

// ---------------------------------------------------------------------------------------------
// Sessions

interface Pool {
  acquire(): Promise<SnowflakeConnection>;
  /** `healthy: false` closes the session instead of keeping it. */
  release(connection: SnowflakeConnection, healthy: boolean): void;
  close(): Promise<void>;
}

function createPool(
  connector: SnowflakeConnector,
  size: number,
  setup: (connection: SnowflakeConnection) => Promise<void>,
): Pool {
  const idle: SnowflakeConnection[] = [];
  const waiting: Array<{
    resolve: (c: SnowflakeConnection) => void;
    reject: (e: unknown) => void;
  }> = [];
  let open = 0;
  let closed = false;

  async function create(): Promise<SnowflakeConnection> {
    const connection = await connector.connect();
    try {
      await setup(connection);
    } catch (error) {
      await connection.destroy().catch(() => undefined);
      throw error;
    }
    return connection;
  }

  function dispatch() {
    while (waiting.length > 0 && (idle.length > 0 || open < size)) {
      const waiter = waiting.shift()!;
      const ready = idle.pop();
      if (ready) {
        waiter.resolve(ready);
        continue;
      }
      open += 1;
      create().then(waiter.resolve, (error: unknown) => {
        open -= 1;
        waiter.reject(error);
        dispatch();
      });
    }
  }

  return {
    acquire() {
      if (closed) {
        return Promise.reject(new WarehouseError('UNAVAILABLE', 'The warehouse is closed.'));
      }
      const acquired = new Promise<SnowflakeConnection>((resolve, reject) =>
        waiting.push({ resolve, reject }),
      );
      dispatch();
      return acquired;
    },
    release(connection, healthy) {
      if (healthy && !closed) {
        idle.push(connection);
      } else {
        open -= 1;
        void connection.destroy().catch(() => undefined);
      }
      dispatch();
    },
    async close() {
      closed = true;
      for (const waiter of waiting.splice(0)) {
        waiter.reject(new WarehouseError('UNAVAILABLE', 'The warehouse is closed.'));
      }
      const all = idle.splice(0);
      open -= all.length;
      await Promise.all(all.map((c) => c.destroy().catch(() => undefined)));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The warehouse

interface Loaded {
  /** `<db>.<schema>.<table>`. */
  table: string;
  /** The Parquet file's column names, in order, as written. */
  columns: string[];
}

export function createSnowflakeWarehouse(options: SnowflakeWarehouseOptions): Warehouse {
  for (const [what, value] of [
    ['database', options.database],
    ['schema', options.schema],
    ['file format', options.fileFormat ?? DEFAULT_FILE_FORMAT],
  ] as const) {
    if (!IDENTIFIER.test(value)) throw new Error(`Snowflake ${what} must be a plain identifier.`);
  }
  if (!QUALIFIED.test(options.stage)) {
    throw new Error('Snowflake stage must be a plain, optionally qualified, identifier.');
  }
  const namespace = `${options.database}.${options.schema}`.toUpperCase();
  const fileFormat = `${namespace}.${(options.fileFormat ?? DEFAULT_FILE_FORMAT).toUpperCase()}`;
  const connector = options.connector ?? createSnowflakeConnector(options, options.logger);
  const pool = createPool(connector, options.poolSize, async (connection) => {
    await connection.execute(sessionSettings(options.statementTimeoutSeconds));
  });
  const loads = new Map<string, Promise<Loaded>>();

  /**
   * Runs `work` on a pooled session. A session that failed other than by the SQL's fault or a
   * cancel, or that `work` discards, is closed rather than reused.
   */
  async function withSession<T>(
    work: (c: SnowflakeConnection, discard: () => void) => Promise<T>,
  ): Promise<T> {
    const connection = await pool.acquire();
    let healthy = true;
    try {
      return await work(connection, () => (healthy = false));
    } catch (error) {
      if (!isQueryFailure(error) && !isCancelCode(codeOf(error))) healthy = false;
      throw error;
    } finally {
      pool.release(connection, healthy);
    }
  }

  async function load(d: DatasetVersion): Promise<Loaded> {
    const name = versionTableName(d);
    const table = `${namespace}.${name}`;
    const location = `'${stagePath(options.stage, d)}'`;
    const inferred = `TABLE(INFER_SCHEMA(LOCATION => ${location}, FILE_FORMAT => '${fileFormat}'))`;
    return withSession(async (connection, discard) => {
      await connection.execute(
        `ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = ${options.loadTimeoutSeconds}`,
      );
      try {
        await connection.execute(
          `CREATE FILE FORMAT IF NOT EXISTS ${fileFormat} TYPE = PARQUET USE_LOGICAL_TYPE = TRUE`,
        );
        const schema = await connection.execute(
          `SELECT COLUMN_NAME FROM ${inferred} ORDER BY ORDER_ID`,
        );
        const columns = schema.rows.map((row) => String(row[0]));
        const existing = await connection.execute(
          // (`_` matches any character here; the exact name is compared below.)
          `SHOW TERSE TABLES LIKE '${name}' IN SCHEMA ${namespace}`,
        );
        const nameIndex = existing.columns.findIndex((c) => c.name.toLowerCase() === 'name');
        if (existing.rows.some((row) => String(row[nameIndex]).toUpperCase() === name)) {
          return { table, columns };
        }
        const loading = `${table}_LOADING_${randomBytes(4).toString('hex').toUpperCase()}`;
        let renaming = false;
        try {
          await connection.execute(
            [
              `CREATE TRANSIENT TABLE ${loading}`,
              '  USING TEMPLATE (',
              "    SELECT ARRAY_AGG(OBJECT_CONSTRUCT('COLUMN_NAME', UPPER(COLUMN_NAME), 'TYPE', TYPE, 'NULLABLE', NULLABLE))",
              '      WITHIN GROUP (ORDER BY ORDER_ID)',
              `    FROM ${inferred}`,
              '  )',
            ].join('\n'),
          );
          await connection.execute(
            [
              `COPY INTO ${loading}`,
              `  FROM ${location}`,
              "  FILES = ('data.parquet')",
              `  FILE_FORMAT = (FORMAT_NAME = '${fileFormat}')`,
              '  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE',
              '  ON_ERROR = ABORT_STATEMENT',
            ].join('\n'),
          );
          renaming = true;
          await connection.execute(`ALTER TABLE ${loading} RENAME TO ${table}`);
        } catch (error) {
          await connection.execute(`DROP TABLE IF EXISTS ${loading}`).catch(() => undefined);
          // Another process renamed its copy into place first: the table is there, complete.
          if (!(renaming && codeOf(error) === '002002')) throw error;
        }
        return { table, columns };
      } finally {
        // A session left with the load's limit must not run queries.
        await connection
          .execute(
            `ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = ${options.statementTimeoutSeconds}`,
          )
          .catch(discard);
      }
    });
  }

  function loaded(d: DatasetVersion): Promise<Loaded> {
    const key = `${d.datasetId}/v${d.version}`;
    let pending = loads.get(key);
    if (!pending) {
      pending = load(d);
      loads.set(key, pending);
      pending.catch(() => loads.delete(key));
    }
    return pending;
  }

  return {
    name: 'snowflake',
    async run(d, sql, run: RunOptions): Promise<QueryResult> {
      const statement = sql.trim().replace(/[\s;]+$/, '');
      let timedOut = false;
      let stage: 'loading' | 'waiting' | 'running' = 'loading';
      let running: SnowflakeConnection | undefined;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          if (running) void running.cancel().catch(() => undefined);
          reject(new Error('timed out'));
        }, run.timeoutMs);
      });

      let started = 0;
      let version: Loaded | undefined;
      const work = (async (): Promise<SnowflakeResult | null> => {
        try {
          version = await loaded(d);
        } catch (error) {
          if (error instanceof WarehouseError) throw error;
          const message = isQueryFailure(error)
            ? `The data set could not be loaded into Snowflake: ${cleanSnowflakeMessage(error)}`
            : unavailableMessage(error);
          throw new WarehouseError('UNAVAILABLE', message, { cause: error });
        }
        // After the deadline nothing more is started (the race has already answered).
        if (timedOut) return null;
        stage = 'waiting';
        const text = capped(withDataTable(statement, version.table), run.maxRows);
        return withSession(async (connection) => {
          if (timedOut) return null;
          stage = 'running';
          running = connection;
          started = performance.now();
          try {
            return await connection.execute(text);
          } finally {
            running = undefined;
          }
        });
      })();
      // Whatever happens after the deadline is not waited for, and not unhandled either.
      work.catch(() => undefined);
      deadline.catch(() => undefined);

      let result: SnowflakeResult | null;
      try {
        result = await Promise.race([work, deadline]);
      } catch (error) {
        if (timedOut || codeOf(error) === '000630') {
          throw new WarehouseError(
            'TIMEOUT',
            stage === 'loading'
              ? 'The data set is still being loaded into Snowflake; try again shortly.'
              : `The query ran longer than ${run.timeoutMs / 1000} s and was stopped.`,
            { cause: error },
          );
        }
        if (error instanceof WarehouseError) throw error;
        if (!isQueryFailure(error)) {
          throw new WarehouseError('UNAVAILABLE', unavailableMessage(error), { cause: error });
        }
        if (codeOf(error) === '002003' && version && messageMentions(error, version.table)) {
          // The version's table is gone (dropped by hand?): load it again next time.
          loads.delete(`${d.datasetId}/v${d.version}`);
          throw new WarehouseError(
            'UNAVAILABLE',
            "The data set's table is missing in Snowflake; it is loaded again on the next run.",
            { cause: error },
          );
        }
        throw new WarehouseError('QUERY_FAILED', cleanSnowflakeMessage(error), { cause: error });
      } finally {
        clearTimeout(timer);
      }

      if (!result) throw new WarehouseError('TIMEOUT', 'The query was stopped.');
      const executionMs = Math.round(performance.now() - started);
      const names = spellings(statement, version?.columns ?? []);
      const columns: ResultColumn[] = result.columns.map((c) => ({
        name: names.get(c.name.toUpperCase()) ?? c.name,
        type: typeName(c),
      }));
      const truncated = result.rows.length > run.maxRows;
      const rows = (truncated ? result.rows.slice(0, run.maxRows) : result.rows).map((row) =>
        result.columns.map((c, i) => jsonValue(row[i], c)),
      );
      return { columns, rows, truncated, executionMs };
    },
    async close() {
      loads.clear();
      await pool.close();
    },
  };
}

const messageMentions = (error: unknown, table: string) => {
  const message = asDriverError(error).message;
  const name = table.split('.').pop()!;
  return typeof message === 'string' && message.toUpperCase().includes(name);
};

// ---------------------------------------------------------------------------------------------
// snowflake-sdk

/** The options given to `snowflake.createConnection` for these settings. */
export function snowflakeConnectionOptions(
  settings: SnowflakeConnectionSettings,
): snowflake.ConnectionOptions {
  const auth: snowflake.ConnectionOptions =
    settings.auth.kind === 'password'
      ? { authenticator: 'SNOWFLAKE', password: settings.auth.password }
      : {
          authenticator: 'SNOWFLAKE_JWT',
          privateKey: settings.auth.privateKey,
          ...(settings.auth.passphrase ? { privateKeyPass: settings.auth.passphrase } : {}),
        };
  return {
    account: settings.account,
    username: settings.username,
    ...auth,
    warehouse: settings.warehouse,
    database: settings.database,
    schema: settings.schema,
    ...(settings.role ? { role: settings.role } : {}),
    ...(settings.accessUrl ? { accessUrl: settings.accessUrl } : {}),
    // Idle pooled sessions stay logged in (the driver sends a heartbeat).
    clientSessionKeepAlive: true,
  };
}

/** Statement options of every execute: rows as arrays, NUMBER and BINARY as exact text. */
export const statementOptions = (): Pick<
  snowflake.StatementOption,
  'rowMode' | 'fetchAsString'
> => ({
  rowMode: 'array',
  fetchAsString: ['Number', 'Buffer'],
});

let driver: typeof snowflake | undefined;

/** The driver's log lines when no logger is given: its errors only, on stderr. */
const errorsOnly: snowflake.SnowflakeLogger = {
  /* eslint-disable-next-line no-console -- the driver's errors, when no logger was given */
  error: (message) => console.error(message),
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
};

/**
 * `snowflake-sdk`, loaded on first use. When loaded, the driver probes cloud metadata endpoints
 * (169.254.169.254, metadata.google.internal, AWS STS) to report the platform it runs on at
 * login, unless `SNOWFLAKE_DISABLE_PLATFORM_DETECTION` is `true`; it is set so here, before the
 * load, unless the environment says otherwise. (That flag is read by the driver from the
 * environment only, hence the one write to `process.env` outside the config.) Its logging is
 * set to errors only at once: by default it writes every INFO line to stdout and to
 * `./snowflake.log`.
 */
export function loadSnowflakeDriver(): typeof snowflake {
  if (!driver) {
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
    driver = require('snowflake-sdk') as typeof snowflake;
    driver.configure({ logLevel: 'ERROR', customLogger: errorsOnly });
  }
  return driver;
}

/** Sessions over `snowflake-sdk`; the driver's logging goes to `logger` (default: errors only). */
export function createSnowflakeConnector(
  settings: SnowflakeConnectionSettings,
  logger?: snowflake.SnowflakeLogger,
): SnowflakeConnector {
  const sdk = loadSnowflakeDriver();
  // (Global to the driver.)
  if (logger) sdk.configure({ logLevel: 'WARN', customLogger: logger });
  const options = snowflakeConnectionOptions(settings);
  return {
    async connect() {
      const connection = sdk.createConnection(options);
      // Not `connectAsync()`: it resolves even when the login fails (the error goes only to its
      // callback); `connect` reports every failure to the callback.
      await new Promise<void>((resolve, reject) =>
        connection.connect((error) => (error ? reject(error) : resolve())),
      );
      return wrapConnection(connection);
    },
  };
}

function wrapConnection(connection: snowflake.Connection): SnowflakeConnection {
  let current: snowflake.RowStatement | undefined;
  return {
    execute(sqlText, binds) {
      return new Promise((resolve, reject) => {
        current = connection.execute({
          sqlText,
          ...(binds ? { binds: [...binds] } : {}),
          ...statementOptions(),
          complete: (error, statement, rows) => {
            current = undefined;
            if (error) {
              reject(error);
              return;
            }
            resolve({
              columns: (statement.getColumns() ?? []).map((column) => ({
                name: column.getName(),
                type: column.getType(),
                precision: column.getPrecision(),
                scale: column.getScale(),
              })),
              rows: (rows ?? []) as unknown[][],
            });
          },
        });
      });
    },
    cancel() {
      const statement = current;
      if (!statement) return Promise.resolve();
      return new Promise((resolve, reject) =>
        statement.cancel((error) => (error ? reject(error) : resolve())),
      );
    },
    destroy() {
      return new Promise((resolve) => connection.destroy(() => resolve()));
    },
  };
}
