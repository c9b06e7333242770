/**
 * The Snowflake warehouse at the level of the SQL it sends (recorded through an injected
 * connector) and of the configuration it gives `snowflake-sdk` (checked by the driver itself,
 * with no network).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { WarehouseError, type DatasetVersion } from './warehouse';
import {
  createSnowflakeConnector,
  createSnowflakeWarehouse,
  loadSnowflakeDriver,
  snowflakeConnectionOptions,
  statementOptions,
  withDataTable,
  type SnowflakeColumn,
  type SnowflakeConnection,
  type SnowflakeConnectionSettings,
  type SnowflakeConnector,
  type SnowflakeResult,
  type SnowflakeWarehouseOptions,
} from './snowflake-warehouse';

const version: DatasetVersion = { datasetId: '0a1b2c3d-0000-4000-8000-00000000abcd', version: 3 };
const TABLE = 'ANALYTICS.PUBLIC.DS_0A1B2C3D00004000800000000000ABCD_V3';
const STAGE = "'@ANALYTICS.PUBLIC.DATA_BUCKET/datasets/0a1b2c3d-0000-4000-8000-00000000abcd/v3/'";
const FILE_COLUMNS = ['city', 'Temp Max', 'date'];

const empty: SnowflakeResult = { columns: [], rows: [] };
const text = (name: string): SnowflakeColumn => ({ name, type: 'text' });

/** A Snowflake failure as `snowflake-sdk` reports it. */
function driverError(name: string, code: string, message: string, sqlState?: string) {
  return Object.assign(new Error(message), { name, code, ...(sqlState ? { sqlState } : {}) });
}
const compilationError = (code: string, message: string) =>
  driverError('OperationFailedError', code, `SQL compilation error:\n${message}`, '42000');

interface Statement {
  session: number;
  sql: string;
}

/** Records every statement; answers the load statements like Snowflake, queries with `answer`. */
class RecordingSnowflake implements SnowflakeConnector {
  statements: Statement[] = [];
  sessions = 0;
  destroyed: number[] = [];
  cancelled: number[] = [];
  /** Tables that exist (upper case, unqualified). */
  tables = new Set<string>();
  answer: (sql: string) => Promise<SnowflakeResult> | SnowflakeResult = () => empty;
  /** Statements that fail, by a pattern of their text, once each. */
  failures: Array<[RegExp, Error]> = [];
  connectFailure: Error | null = null;
  /** Holds every COPY until released. */
  copyGate: Promise<void> = Promise.resolve();

  async connect(): Promise<SnowflakeConnection> {
    if (this.connectFailure) throw this.connectFailure;
    const session = (this.sessions += 1);
    let cancel: ((error: Error) => void) | null = null;
    return {
      execute: async (sql) => {
        this.statements.push({ session, sql });
        const failure = this.failures.findIndex(([pattern]) => pattern.test(sql));
        if (failure !== -1) throw this.failures.splice(failure, 1)[0]![1];
        const cancelled = new Promise<never>((_, reject) => (cancel = reject));
        cancelled.catch(() => undefined);
        try {
          return await Promise.race([this.respond(sql), cancelled]);
        } finally {
          cancel = null;
        }
      },
      cancel: async () => {
        this.cancelled.push(session);
        cancel?.(driverError('OperationFailedError', '000604', 'SQL execution canceled', '57014'));
      },
      destroy: async () => {
        this.destroyed.push(session);
      },
    };
  }

  private async respond(sql: string): Promise<SnowflakeResult> {
    if (/^SELECT COLUMN_NAME FROM TABLE\(INFER_SCHEMA/.test(sql)) {
      return { columns: [text('COLUMN_NAME')], rows: FILE_COLUMNS.map((c) => [c]) };
    }
    if (sql.startsWith('SHOW TERSE TABLES')) {
      const name = /LIKE '([^']+)'/.exec(sql)![1]!;
      return {
        columns: ['created_on', 'name', 'kind', 'database_name', 'schema_name'].map(text),
        rows: this.tables.has(name) ? [['2024-01-01', name, 'TABLE', 'ANALYTICS', 'PUBLIC']] : [],
      };
    }
    if (sql.startsWith('COPY INTO')) await this.copyGate;
    const rename = /^ALTER TABLE \S+ RENAME TO \S+\.(\S+)$/.exec(sql);
    if (rename) {
      if (this.tables.has(rename[1]!)) {
        throw compilationError('002002', `Object '${rename[1]}' already exists.`);
      }
      this.tables.add(rename[1]!);
    }
    if (/^SELECT \* FROM \(/.test(sql)) return this.answer(sql);
    return empty;
  }

  /** The statements after each session's settings, without the session numbers. */
  sent(): string[] {
    return this.statements.map((s) => s.sql).filter((sql) => !sql.startsWith('ALTER SESSION'));
  }
  queries(): string[] {
    return this.sent().filter((sql) => sql.startsWith('SELECT * FROM ('));
  }
}

const settings: SnowflakeConnectionSettings = {
  account: 'myorg-myaccount',
  username: 'ANALYTICS_SERVICE',
  auth: { kind: 'password', password: 'not-a-real-password' },
  warehouse: 'ANALYTICS_WH',
  database: 'analytics',
  schema: 'public',
  role: 'ANALYTICS_READER',
};

function setup(overrides: Partial<SnowflakeWarehouseOptions> = {}) {
  const fake = new RecordingSnowflake();
  const warehouse = createSnowflakeWarehouse({
    ...settings,
    stage: 'ANALYTICS.PUBLIC.DATA_BUCKET',
    statementTimeoutSeconds: 30,
    loadTimeoutSeconds: 1800,
    poolSize: 2,
    connector: fake,
    ...overrides,
  });
  return { fake, warehouse };
}

const run = (
  warehouse: ReturnType<typeof setup>['warehouse'],
  sql = 'SELECT count(*) FROM data',
  options = { maxRows: 100, timeoutMs: 5_000 },
) => warehouse.run(version, sql, options);

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WarehouseError);
  return error as WarehouseError;
};

describe('loading a version', () => {
  it('creates the version table from the stage file, then renames it into place', async () => {
    const { fake, warehouse } = setup();
    await run(warehouse);
    const sent = fake.statements.map((s) => s.sql);
    const loading = /CREATE TRANSIENT TABLE (\S+)/.exec(sent.join('\n'))![1]!;
    expect(loading).toMatch(new RegExp(`^${TABLE}_LOADING_[0-9A-F]{8}$`));
    expect(sent.slice(0, 10)).toEqual([
      expect.stringMatching(/^ALTER SESSION SET\n {2}QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE\n/),
      'ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 1800',
      'CREATE FILE FORMAT IF NOT EXISTS ANALYTICS.PUBLIC.PLATFORM_PARQUET TYPE = PARQUET USE_LOGICAL_TYPE = TRUE',
      `SELECT COLUMN_NAME FROM TABLE(INFER_SCHEMA(LOCATION => ${STAGE}, FILE_FORMAT => 'ANALYTICS.PUBLIC.PLATFORM_PARQUET')) ORDER BY ORDER_ID`,
      "SHOW TERSE TABLES LIKE 'DS_0A1B2C3D00004000800000000000ABCD_V3' IN SCHEMA ANALYTICS.PUBLIC",
      [
        `CREATE TRANSIENT TABLE ${loading}`,
        '  USING TEMPLATE (',
        "    SELECT ARRAY_AGG(OBJECT_CONSTRUCT('COLUMN_NAME', UPPER(COLUMN_NAME), 'TYPE', TYPE, 'NULLABLE', NULLABLE))",
        '      WITHIN GROUP (ORDER BY ORDER_ID)',
        `    FROM TABLE(INFER_SCHEMA(LOCATION => ${STAGE}, FILE_FORMAT => 'ANALYTICS.PUBLIC.PLATFORM_PARQUET'))`,
        '  )',
      ].join('\n'),
      [
        `COPY INTO ${loading}`,
        `  FROM ${STAGE}`,
        "  FILES = ('data.parquet')",
        "  FILE_FORMAT = (FORMAT_NAME = 'ANALYTICS.PUBLIC.PLATFORM_PARQUET')",
        '  MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE',
        '  ON_ERROR = ABORT_STATEMENT',
      ].join('\n'),
      `ALTER TABLE ${loading} RENAME TO ${TABLE}`,
      'ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 30',
      expect.stringContaining(`WITH data AS (SELECT * FROM ${TABLE})`),
    ]);
  });

  it('uses a table that already exists without loading it again', async () => {
    const { fake, warehouse } = setup();
    fake.tables.add('DS_0A1B2C3D00004000800000000000ABCD_V3');
    await run(warehouse);
    expect(fake.sent().some((sql) => /^(CREATE TRANSIENT|COPY INTO|ALTER TABLE)/.test(sql))).toBe(
      false,
    );
    expect(fake.queries()).toHaveLength(1);
  });

  it('loads once under concurrent first use, then only queries', async () => {
    const { fake, warehouse } = setup({ poolSize: 3 });
    let release!: () => void;
    fake.copyGate = new Promise((resolve) => (release = resolve));
    const runs = Array.from({ length: 6 }, () => run(warehouse));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.sent().filter((sql) => sql.startsWith('COPY INTO'))).toHaveLength(1);
    expect(fake.queries()).toHaveLength(0);
    release();
    await Promise.all(runs);
    await run(warehouse);
    const sent = fake.sent();
    expect(sent.filter((sql) => sql.startsWith('CREATE TRANSIENT TABLE'))).toHaveLength(1);
    expect(sent.filter((sql) => sql.startsWith('COPY INTO'))).toHaveLength(1);
    expect(sent.filter((sql) => sql.startsWith('SELECT COLUMN_NAME'))).toHaveLength(1);
    expect(fake.queries()).toHaveLength(7);
    // Never more sessions than the pool allows.
    expect(fake.sessions).toBeLessThanOrEqual(3);
  });

  it('drops its copy when another process renamed the table into place first', async () => {
    const { fake, warehouse } = setup();
    fake.failures.push([
      /^ALTER TABLE .* RENAME TO/,
      compilationError('002002', `Object '${TABLE}' already exists.`),
    ]);
    await run(warehouse);
    const sent = fake.sent();
    const rename = sent.findIndex((sql) => sql.startsWith('ALTER TABLE'));
    expect(sent[rename + 1]).toMatch(
      new RegExp(`^DROP TABLE IF EXISTS ${TABLE}_LOADING_[0-9A-F]{8}$`),
    );
    expect(fake.queries()).toHaveLength(1);
  });

  it('reports a failed load as UNAVAILABLE, cleans up, and tries again on the next run', async () => {
    const { fake, warehouse } = setup();
    fake.failures.push([
      /^COPY INTO/,
      compilationError(
        '002003',
        "Stage 'ANALYTICS.PUBLIC.DATA_BUCKET' does not exist or not authorized.",
      ),
    ]);
    const error = await failure(run(warehouse));
    expect(error.reason).toBe('UNAVAILABLE');
    expect(error.message).toBe(
      "The data set could not be loaded into Snowflake: Stage 'ANALYTICS.PUBLIC.DATA_BUCKET' does not exist or not authorized.",
    );
    expect(fake.sent()).toContainEqual(expect.stringMatching(/^DROP TABLE IF EXISTS .*_LOADING_/));
    // The session got its query limit back and is reused.
    expect(fake.statements.at(-1)!.sql).toBe('ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 30');
    expect(fake.destroyed).toEqual([]);

    await run(warehouse);
    expect(fake.sent().filter((sql) => sql.startsWith('COPY INTO'))).toHaveLength(2);
    expect(fake.queries()).toHaveLength(1);
  });

  it('refuses a version reference that is not a data set id', async () => {
    const { fake, warehouse } = setup();
    const error = await failure(
      warehouse.run({ datasetId: "x'; DROP TABLE y; --", version: 1 }, 'SELECT 1', {
        maxRows: 1,
        timeoutMs: 1_000,
      }),
    );
    expect(error.reason).toBe('UNAVAILABLE');
    expect(fake.sent()).toEqual([]);
  });
});

describe('sessions', () => {
  it('sets every session up once, before its first statement', async () => {
    const { fake, warehouse } = setup({ poolSize: 1 });
    await run(warehouse);
    await run(warehouse);
    const settingsSent = fake.statements.filter((s) =>
      /QUOTED_IDENTIFIERS_IGNORE_CASE/.test(s.sql),
    );
    expect(settingsSent).toEqual([
      {
        session: 1,
        sql: [
          'ALTER SESSION SET',
          '  QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE',
          '  STATEMENT_TIMEOUT_IN_SECONDS = 30',
          '  MULTI_STATEMENT_COUNT = 1',
          '  ABORT_DETACHED_QUERY = TRUE',
          "  TIMEZONE = 'UTC'",
          "  QUERY_TAG = 'ai-analytics-platform/query'",
        ].join('\n'),
      },
    ]);
    expect(fake.statements[0]).toBe(settingsSent[0]);
    expect(fake.sessions).toBe(1);
  });

  it('closes every session on close, and refuses runs after it', async () => {
    const { fake, warehouse } = setup();
    await Promise.all([run(warehouse), run(warehouse)]);
    await warehouse.close();
    expect(fake.destroyed.sort()).toEqual([1, 2]);
    expect((await failure(run(warehouse))).reason).toBe('UNAVAILABLE');
  });
});

describe('the query', () => {
  const queryOf = async (sql: string, maxRows = 100) => {
    const { fake, warehouse } = setup();
    fake.tables.add('DS_0A1B2C3D00004000800000000000ABCD_V3');
    await run(warehouse, sql, { maxRows, timeoutMs: 5_000 });
    return fake.queries()[0];
  };

  it('is capped, with `data` named as the version table', async () => {
    expect(await queryOf('SELECT city, count(*) FROM data GROUP BY city;\n', 50)).toBe(
      [
        'SELECT * FROM (',
        `WITH data AS (SELECT * FROM ${TABLE})`,
        'SELECT city, count(*) FROM data GROUP BY city',
        ') AS answer LIMIT 51',
      ].join('\n'),
    );
  });

  it('merges `data` into a statement that begins with WITH', async () => {
    const sql = `-- monthly maxima
WITH m AS (SELECT date_trunc('month', date) AS month, max("Temp Max") AS t FROM data GROUP BY 1)
SELECT * FROM m ORDER BY month`;
    expect(await queryOf(sql)).toBe(
      [
        'SELECT * FROM (',
        `-- monthly maxima\nWITH data AS (SELECT * FROM ${TABLE}), m AS (SELECT date_trunc('month', date) AS month, max("Temp Max") AS t FROM data GROUP BY 1)`,
        'SELECT * FROM m ORDER BY month',
        ') AS answer LIMIT 101',
      ].join('\n'),
    );
  });

  it('keeps RECURSIVE first when merging', () => {
    expect(withDataTable('with recursive r AS (SELECT 1) SELECT * FROM r', 'T')).toBe(
      'with recursive data AS (SELECT * FROM T), r AS (SELECT 1) SELECT * FROM r',
    );
  });

  it('names the table fully qualified, so a CTE named like it cannot stand in for it', async () => {
    const sql =
      'WITH DS_0A1B2C3D00004000800000000000ABCD_V3 AS (SELECT 1 AS city), public AS (SELECT 2) SELECT city FROM data';
    expect(await queryOf(sql)).toBe(
      [
        'SELECT * FROM (',
        `WITH data AS (SELECT * FROM ${TABLE}), DS_0A1B2C3D00004000800000000000ABCD_V3 AS (SELECT 1 AS city), public AS (SELECT 2) SELECT city FROM data`,
        ') AS answer LIMIT 101',
      ].join('\n'),
    );
  });

  it('wraps a statement that starts with a parenthesis', () => {
    expect(withDataTable('(SELECT 1) UNION (SELECT 2)', 'T')).toBe(
      'WITH data AS (SELECT * FROM T)\nSELECT * FROM (\n(SELECT 1) UNION (SELECT 2)\n)',
    );
  });

  it('reports at most maxRows rows and whether there were more', async () => {
    const { fake, warehouse } = setup();
    const rows = (n: number) => Array.from({ length: n }, (_, i) => [String(i)]);
    const columns = [{ name: 'N', type: 'fixed', precision: 18, scale: 0 }];
    fake.answer = () => ({ columns, rows: rows(4) });
    const over = await run(warehouse, 'SELECT 1 AS n FROM data', { maxRows: 3, timeoutMs: 5_000 });
    expect(over).toMatchObject({ truncated: true, rows: [[0], [1], [2]] });
    fake.answer = () => ({ columns, rows: rows(3) });
    const exact = await run(warehouse, 'SELECT 1 AS n FROM data', { maxRows: 3, timeoutMs: 5_000 });
    expect(exact).toMatchObject({ truncated: false, rows: [[0], [1], [2]] });
  });
});

describe('results as JSON', () => {
  it('converts each Snowflake type, and gives columns back their spelling', async () => {
    const { fake, warehouse } = setup();
    fake.answer = () => ({
      columns: [
        { name: 'CITY', type: 'text' },
        { name: 'AVERAGE_TEMP_MAX', type: 'fixed', precision: 38, scale: 6 },
        { name: 'TEMP MAX', type: 'real' },
        { name: 'COUNT(*)', type: 'fixed', precision: 18, scale: 0 },
        { name: 'DATE', type: 'date' },
        { name: 'SEEN_AT', type: 'timestamp_ntz' },
        { name: 'SEEN_AT_UTC', type: 'timestamp_tz' },
        { name: 'OK', type: 'boolean' },
        { name: 'RAW', type: 'binary' },
        { name: 'DOC', type: 'variant' },
        { name: 'AT', type: 'time' },
      ],
      rows: [
        [
          'Seattle',
          '1.500000',
          '2.5',
          '9007199254740993',
          new Date(Date.UTC(2024, 0, 2)),
          new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
          new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
          true,
          '0A0B',
          { a: 1, when: new Date(Date.UTC(2024, 0, 2)) },
          '01:02:03',
        ],
        [null, null, 'NaN', '-12', null, null, null, false, null, [1, 'x'], null],
        [
          'x',
          '123456789012345678.5',
          'inf',
          '9007199254740991',
          null,
          null,
          null,
          null,
          null,
          null,
          null,
        ],
      ],
    });
    const result = await run(
      warehouse,
      'SELECT city, avg("Temp Max") AS average_temp_max, "Temp Max", count(*), date, seen_at, seen_at_utc, ok, raw, doc, at FROM data',
    );
    expect(result.columns).toEqual([
      { name: 'city', type: 'VARCHAR' },
      { name: 'average_temp_max', type: 'NUMBER(38,6)' },
      { name: 'Temp Max', type: 'FLOAT' },
      { name: 'COUNT(*)', type: 'NUMBER(18,0)' },
      { name: 'date', type: 'DATE' },
      { name: 'seen_at', type: 'TIMESTAMP_NTZ' },
      { name: 'seen_at_utc', type: 'TIMESTAMP_TZ' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'raw', type: 'BINARY' },
      { name: 'doc', type: 'VARIANT' },
      { name: 'at', type: 'TIME' },
    ]);
    expect(result.rows).toEqual([
      [
        'Seattle',
        1.5,
        2.5,
        '9007199254740993',
        '2024-01-02',
        '2024-01-02T03:04:05.678',
        '2024-01-02T03:04:05.000Z',
        true,
        '0A0B',
        { a: 1, when: '2024-01-02T00:00:00.000Z' },
        '01:02:03',
      ],
      [null, null, 'NaN', -12, null, null, null, false, null, [1, 'x'], null],
      [
        'x',
        '123456789012345678.5',
        'Infinity',
        9007199254740991,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
      ],
    ]);
    expect(JSON.parse(JSON.stringify(result.rows))).toEqual(result.rows);
  });

  it('names the columns of SELECT * as the Parquet file does', async () => {
    const { fake, warehouse } = setup();
    fake.answer = () => ({
      columns: ['CITY', 'TEMP MAX', 'DATE'].map(text),
      rows: [['a', 'b', 'c']],
    });
    const result = await run(warehouse, 'SELECT * FROM data');
    expect(result.columns.map((c) => c.name)).toEqual(FILE_COLUMNS);
  });

  it('prefers an alias over a function of the same name', async () => {
    const { fake, warehouse } = setup();
    fake.answer = () => ({ columns: [text('MONTH')], rows: [] });
    const result = await run(warehouse, 'SELECT Month(date) AS month FROM data');
    expect(result.columns.map((c) => c.name)).toEqual(['month']);
  });
});

describe('time limits', () => {
  it('cancels the statement at the caller’s timeout and reports TIMEOUT at once', async () => {
    const { fake, warehouse } = setup({ poolSize: 1 });
    fake.tables.add('DS_0A1B2C3D00004000800000000000ABCD_V3');
    fake.answer = () => new Promise<never>(() => undefined);
    const error = await failure(
      run(warehouse, 'SELECT * FROM data', { maxRows: 10, timeoutMs: 50 }),
    );
    expect(error.reason).toBe('TIMEOUT');
    expect(error.message).toBe('The query ran longer than 0.05 s and was stopped.');
    expect(fake.cancelled).toEqual([1]);
    // The cancelled session is fine and is used again.
    fake.answer = () => empty;
    await run(warehouse);
    expect(fake.sessions).toBe(1);
    expect(fake.destroyed).toEqual([]);
  });

  it("reports Snowflake's own statement timeout as TIMEOUT", async () => {
    const { fake, warehouse } = setup();
    fake.failures.push([
      /^SELECT \* FROM \(/,
      driverError(
        'OperationFailedError',
        '000630',
        'Statement reached its statement or warehouse timeout of 30 second(s) and was canceled.',
        '57014',
      ),
    ]);
    expect((await failure(run(warehouse))).reason).toBe('TIMEOUT');
  });

  it('says so when the version is still loading at the timeout, and keeps loading', async () => {
    const { fake, warehouse } = setup();
    let release!: () => void;
    fake.copyGate = new Promise((resolve) => (release = resolve));
    const error = await failure(
      run(warehouse, 'SELECT 1 AS n FROM data', { maxRows: 1, timeoutMs: 30 }),
    );
    expect(error).toMatchObject({
      reason: 'TIMEOUT',
      message: 'The data set is still being loaded into Snowflake; try again shortly.',
    });
    expect(fake.cancelled).toEqual([]);
    release();
    await run(warehouse);
    expect(fake.sent().filter((sql) => sql.startsWith('COPY INTO'))).toHaveLength(1);
  });
});

describe('errors', () => {
  const failing = async (error: Error, where: 'query' | 'connect' = 'query') => {
    const { fake, warehouse } = setup();
    fake.tables.add('DS_0A1B2C3D00004000800000000000ABCD_V3');
    if (where === 'connect') fake.connectFailure = error;
    else fake.failures.push([/^SELECT \* FROM \(/, error]);
    return { fake, error: await failure(run(warehouse)) };
  };

  it('reports a compilation error as QUERY_FAILED with a readable message', async () => {
    const { error, fake } = await failing(
      compilationError('000904', "error line 3 at position 7\ninvalid identifier 'NOPE'"),
    );
    expect(error).toMatchObject({ reason: 'QUERY_FAILED', message: "Invalid identifier 'NOPE'" });
    expect(fake.destroyed).toEqual([]);
  });

  it('reports an execution error as QUERY_FAILED, calling the version table `data`', async () => {
    const { error } = await failing(
      driverError(
        'OperationFailedError',
        '100038',
        `Numeric value 'abc' is not recognized in ${TABLE}`,
        '22018',
      ),
    );
    expect(error).toMatchObject({
      reason: 'QUERY_FAILED',
      message: "Numeric value 'abc' is not recognized in data",
    });
  });

  it('reports refused credentials as UNAVAILABLE, without the driver’s text', async () => {
    const { error } = await failing(
      driverError(
        'OperationFailedError',
        '390100',
        'Incorrect username or password was specified.',
        '08004',
      ),
      'connect',
    );
    expect(error).toMatchObject({
      reason: 'UNAVAILABLE',
      message: 'Snowflake did not accept the configured credentials or session.',
    });
  });

  it('reports an unreachable Snowflake as UNAVAILABLE, naming no host, and drops the session', async () => {
    const { error, fake } = await failing(
      driverError(
        'NetworkError',
        '401001',
        'getaddrinfo ENOTFOUND myorg-myaccount.snowflakecomputing.com',
      ),
    );
    expect(error).toMatchObject({
      reason: 'UNAVAILABLE',
      message: 'Snowflake could not be reached.',
    });
    expect(error.message).not.toMatch(/snowflakecomputing|myaccount/);
    expect(fake.destroyed).toEqual([1]);
  });

  it('reports a missing warehouse as UNAVAILABLE', async () => {
    const { error } = await failing(
      driverError(
        'OperationFailedError',
        '000606',
        "No active warehouse selected in the current session. Select an active warehouse with the 'use warehouse' command.",
        '57P03',
      ),
    );
    expect(error).toMatchObject({
      reason: 'UNAVAILABLE',
      message: 'The Snowflake warehouse is not available to run the query.',
    });
  });

  it('loads a version again when its table went missing', async () => {
    const { fake, warehouse } = setup();
    await run(warehouse);
    fake.tables.clear();
    fake.failures.push([
      /^SELECT \* FROM \(/,
      compilationError('002003', `Object '${TABLE}' does not exist or not authorized.`),
    ]);
    expect((await failure(run(warehouse))).reason).toBe('UNAVAILABLE');
    await run(warehouse);
    expect(fake.sent().filter((sql) => sql.startsWith('COPY INTO'))).toHaveLength(2);
  });
});

describe('snowflake-sdk configuration (no network)', () => {
  // Loading the driver probes cloud metadata endpoints unless told not to: the loader does.
  const snowflake = loadSnowflakeDriver();
  let connects: jest.SpyInstance;
  beforeEach(() => {
    connects = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('no network in unit tests');
    });
  });
  afterEach(() => connects.mockRestore());

  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const encrypted = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: {
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'key passphrase',
    },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;

  it('passes password authentication and the session defaults', () => {
    const options = snowflakeConnectionOptions(settings);
    expect(options).toEqual({
      account: 'myorg-myaccount',
      username: 'ANALYTICS_SERVICE',
      authenticator: 'SNOWFLAKE',
      password: 'not-a-real-password',
      warehouse: 'ANALYTICS_WH',
      database: 'analytics',
      schema: 'public',
      role: 'ANALYTICS_READER',
      clientSessionKeepAlive: true,
    });
    const connection = snowflake.createConnection(options);
    expect(connection.isUp()).toBe(false);
  });

  it('passes key-pair authentication (plain and encrypted keys), never a password', () => {
    const plain = snowflakeConnectionOptions({
      ...settings,
      auth: { kind: 'keyPair', privateKey },
    });
    expect(plain).toMatchObject({ authenticator: 'SNOWFLAKE_JWT', privateKey });
    expect(plain).not.toHaveProperty('password');
    expect(plain).not.toHaveProperty('privateKeyPass');
    expect(() => snowflake.createConnection(plain)).not.toThrow();

    const withPassphrase = snowflakeConnectionOptions({
      ...settings,
      auth: { kind: 'keyPair', privateKey: encrypted, passphrase: 'key passphrase' },
    });
    expect(withPassphrase).toMatchObject({
      authenticator: 'SNOWFLAKE_JWT',
      privateKey: encrypted,
      privateKeyPass: 'key passphrase',
    });
    expect(() => snowflake.createConnection(withPassphrase)).not.toThrow();
  });

  it('lets the driver refuse a key that is not PEM', () => {
    const options = snowflakeConnectionOptions({
      ...settings,
      auth: { kind: 'keyPair', privateKey: 'not a key' },
    });
    expect(() => snowflake.createConnection(options)).toThrow();
  });

  it('points the driver at an access URL when one is given', () => {
    const options = snowflakeConnectionOptions({ ...settings, accessUrl: 'http://127.0.0.1:9' });
    expect(options.accessUrl).toBe('http://127.0.0.1:9');
    expect(() => snowflake.createConnection(options)).not.toThrow();
    expect(snowflakeConnectionOptions(settings)).not.toHaveProperty('accessUrl');
  });

  it('asks for rows as arrays with NUMBER and BINARY as exact text', () => {
    expect(statementOptions()).toEqual({ rowMode: 'array', fetchAsString: ['Number', 'Buffer'] });
  });

  it('routes the driver’s log lines to the given logger (not to ./snowflake.log)', () => {
    const configure = jest.spyOn(snowflake, 'configure');
    const logger = {
      error: jest.fn(),
      warn: jest.fn(),
      info: jest.fn(),
      debug: jest.fn(),
      trace: jest.fn(),
    };
    createSnowflakeConnector(settings, logger);
    expect(configure).toHaveBeenCalledWith({ logLevel: 'WARN', customLogger: logger });
    configure.mockRestore();
    expect(process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION).toBe('true');
  });

  it('loaded the driver with its cloud platform probes off', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the driver's internals
    const detection = require('snowflake-sdk/dist/lib/telemetry/platform_detection') as {
      getDetectedPlatforms(): Promise<string[]>;
    };
    await expect(detection.getDetectedPlatforms()).resolves.toEqual(['disabled']);
  });

  it('opened no socket, and wrote no ./snowflake.log', () => {
    expect(connects).not.toHaveBeenCalled();
    expect(existsSync(join(process.cwd(), 'snowflake.log'))).toBe(false);
  });
});

/**
 * A Snowflake double on loopback speaking the REST protocol `snowflake-sdk` uses (login, query,
 * abort, session delete), so the real driver and the adapter's connector code run.
 */
class SnowflakeDouble {
  readonly statements: string[] = [];
  readonly requests: string[] = [];
  private held: ServerResponse | null = null;
  private server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const path = new URL(request.url ?? '/', 'http://double').pathname;
      this.requests.push(path);
      response.setHeader('content-type', 'application/json');
      const json = body.length > 0 ? (JSON.parse(body.toString()) as Record<string, never>) : {};
      if (path === '/session/v1/login-request') {
        const data = json.data as { PASSWORD?: string } | undefined;
        if (data?.PASSWORD !== 'right') {
          return this.reply(
            response,
            false,
            {},
            '390100',
            'Incorrect username or password was specified.',
          );
        }
        return this.reply(response, true, {
          token: 'session-token',
          masterToken: 'master-token',
          validityInSeconds: 3600,
          masterValidityInSeconds: 14400,
          sessionId: 1,
          parameters: [],
          sessionInfo: {},
        });
      }
      if (path === '/queries/v1/query-request') return this.query(String(json.sqlText), response);
      if (path === '/queries/v1/abort-request') {
        this.reply(response, true, null);
        this.held?.end(
          JSON.stringify({
            success: false,
            code: '000604',
            message: 'SQL execution canceled',
            data: { sqlState: '57014', errorCode: '000604', queryId: 'q' },
          }),
        );
        this.held = null;
        return;
      }
      return this.reply(response, true, null);
    });
  });

  private reply(
    response: ServerResponse,
    success: boolean,
    data: unknown,
    code: string | null = null,
    message: string | null = null,
  ) {
    response.end(JSON.stringify({ success, data, code, message }));
  }

  private result(response: ServerResponse, rowtype: object[], rowset: Array<Array<string | null>>) {
    this.reply(response, true, {
      parameters: [],
      rowtype,
      rowset,
      total: rowset.length,
      returned: rowset.length,
      queryId: `q${this.statements.length}`,
      queryResultFormat: 'json',
      statementTypeId: 4096,
      version: 1,
      queryContext: { entries: [] },
    });
  }

  private query(sql: string, response: ServerResponse) {
    this.statements.push(sql);
    const text = (name: string) => ({ name, type: 'text', nullable: true, length: 16777216 });
    if (sql.startsWith('SELECT COLUMN_NAME')) {
      return this.result(
        response,
        [text('COLUMN_NAME')],
        [['city'], ['n'], ['date'], ['Temp Max']],
      );
    }
    if (sql.startsWith('SHOW TERSE TABLES')) {
      const columns = ['created_on', 'name', 'kind', 'database_name', 'schema_name'];
      return this.result(response, columns.map(text), []);
    }
    if (sql.startsWith('SELECT * FROM (')) {
      if (sql.includes('slow')) {
        this.held = response;
        return;
      }
      return this.result(
        response,
        [
          text('CITY'),
          { name: 'N', type: 'fixed', precision: 38, scale: 0, nullable: true },
          { name: 'DATE', type: 'date', nullable: true },
          { name: 'TEMP MAX', type: 'real', nullable: true },
        ],
        [
          ['Seattle', '9007199254740993', '19724', '2.5'],
          [null, '-12', null, 'NaN'],
        ],
      );
    }
    return this.result(response, [text('status')], [['Statement executed successfully.']]);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('the real driver, against a loopback Snowflake double', () => {
  const double = new SnowflakeDouble();
  let accessUrl = '';
  const quiet = {
    error: () => {},
    warn: () => {},
    info: () => {},
    debug: () => {},
    trace: () => {},
  };
  beforeAll(async () => {
    accessUrl = await double.start();
  });
  afterAll(() => double.close());

  const warehouseWith = (password: string) =>
    createSnowflakeWarehouse({
      ...settings,
      auth: { kind: 'password', password },
      accessUrl,
      stage: 'ANALYTICS.PUBLIC.DATA_BUCKET',
      statementTimeoutSeconds: 30,
      loadTimeoutSeconds: 1800,
      poolSize: 1,
      logger: quiet,
    });

  it('logs in, sets the session up, loads the version and answers in JSON', async () => {
    const warehouse = warehouseWith('right');
    const result = await warehouse.run(version, 'SELECT city, n, date, "Temp Max" FROM data', {
      maxRows: 10,
      timeoutMs: 10_000,
    });
    await warehouse.close();
    expect(result).toMatchObject({
      columns: [
        { name: 'city', type: 'VARCHAR' },
        { name: 'n', type: 'NUMBER(38,0)' },
        { name: 'date', type: 'DATE' },
        { name: 'Temp Max', type: 'FLOAT' },
      ],
      rows: [
        ['Seattle', '9007199254740993', '2024-01-02', 2.5],
        [null, -12, null, 'NaN'],
      ],
      truncated: false,
    });
    expect(double.statements[0]).toMatch(
      /^ALTER SESSION SET\n {2}QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE/,
    );
    expect(double.statements).toContainEqual(expect.stringMatching(/^COPY INTO /));
    expect(double.statements.at(-1)).toMatch(
      new RegExp(`^SELECT \\* FROM \\(\nWITH data AS \\(SELECT \\* FROM ${TABLE}\\)`),
    );
    // The session was closed on Snowflake's side too.
    expect(double.requests).toContain('/session');
  });

  it('cancels the running statement at the timeout, through the driver', async () => {
    const warehouse = warehouseWith('right');
    await warehouse.run(version, 'SELECT city FROM data', { maxRows: 10, timeoutMs: 10_000 });
    const error = await failure(
      warehouse.run(version, 'SELECT city AS slow FROM data', { maxRows: 10, timeoutMs: 300 }),
    );
    expect(error).toMatchObject({
      reason: 'TIMEOUT',
      message: 'The query ran longer than 0.3 s and was stopped.',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(double.requests).toContain('/queries/v1/abort-request');
    await warehouse.close();
  });

  it('reports refused credentials as UNAVAILABLE', async () => {
    const warehouse = warehouseWith('wrong');
    const error = await failure(
      warehouse.run(version, 'SELECT 1 AS n FROM data', { maxRows: 1, timeoutMs: 10_000 }),
    );
    expect(error).toMatchObject({
      reason: 'UNAVAILABLE',
      message: 'Snowflake did not accept the configured credentials or session.',
    });
    await warehouse.close();
  });
});
