/** The SQL checks with DuckDB's real parser and binder: what passes, and every hostile form. */
import fc from 'fast-check';
import type { DatasetSchema } from '../dataset-schema';
import { createDuckDbValidator, MAX_SQL_CHARS, type SqlValidator } from './duckdb-validator';

const schema: DatasetSchema = {
  datasetId: '00000000-0000-4000-8000-000000000001',
  version: 1,
  rowCount: 3,
  columns: [
    {
      name: 'city',
      type: 'string',
      nullCount: 0,
      distinctCount: 3,
      min: null,
      max: null,
      mean: null,
      values: null,
    },
    {
      name: 'Temp Max',
      type: 'float',
      nullCount: 0,
      distinctCount: 3,
      min: '1',
      max: '9',
      mean: 5,
      values: null,
    },
    {
      name: 'date',
      type: 'date',
      nullCount: 0,
      distinctCount: 3,
      min: null,
      max: null,
      mean: null,
      values: null,
    },
  ],
};

let validator: SqlValidator;
beforeAll(async () => {
  validator = await createDuckDbValidator();
});
afterAll(() => validator.close());

const errorsOf = async (sql: string) => {
  const result = await validator.validate(sql, schema);
  return result.valid ? [] : result.errors;
};

describe('valid SQL', () => {
  it.each([
    'SELECT count(*) FROM data',
    'select city, avg("Temp Max") from data group by city order by 2 desc limit 5;',
    `WITH m AS (SELECT date_trunc('month', date) AS month, max("Temp Max") AS t FROM data GROUP BY 1)
     SELECT * FROM m ORDER BY month`,
    'SELECT city, 100.0 * count(*) / sum(count(*)) OVER () AS share FROM data GROUP BY city',
    'SELECT * FROM data WHERE city IN (SELECT city FROM data WHERE "Temp Max" > 3)',
    'SELECT x FROM range(3) AS r(x)',
    '-- a comment\nSELECT median("Temp Max") FROM data',
  ])('accepts %s', async (sql) => {
    const result = await validator.validate(sql, schema);
    expect(result).toEqual({ valid: true, sql: expect.any(String) });
    if (result.valid) expect(result.sql.endsWith(';')).toBe(false);
  });
});

describe('refused SQL, with a readable reason', () => {
  it.each<[string, RegExp]>([
    ['', /empty/],
    ['   ;  ', /empty/],
    ['SELECT 1; SELECT 2', /Exactly one statement may run; this SQL has 2/],
    ['SELECT * FROM data; DROP TABLE data', /Exactly one statement/],
    ['WITH d AS (DELETE FROM data RETURNING *) SELECT * FROM d', /CTE needs a SELECT/],
    ['DELETE FROM data', /Only a read-only SELECT .* this is a DELETE statement/],
    ['DROP TABLE data', /this is a DROP statement/],
    ['UPDATE data SET city = 1', /this is an UPDATE statement/],
    ['INSERT INTO data VALUES (1, 2, 3)', /this is an INSERT statement/],
    ["COPY data TO '/tmp/out.csv'", /this is a COPY statement/],
    ["ATTACH '/tmp/other.db' AS other", /this is an ATTACH statement/],
    ['INSTALL httpfs', /this is an INSTALL statement/],
    ['LOAD httpfs', /this is a LOAD statement/],
    ['PRAGMA database_list', /this is a PRAGMA statement/],
    ['SET enable_external_access = true', /this is a SET statement/],
    ['/* hi */ CREATE TABLE t AS SELECT 1', /this is a CREATE statement/],
    ["SELECT * FROM read_csv('/etc/passwd')", /`read_csv\(\)` reads from outside the data set/],
    ["SELECT * FROM read_text('/etc/hostname')", /`read_text\(\)`/],
    [
      "SELECT * FROM '/etc/passwd'",
      /Only the data set's table `data` can be read; `\/etc\/passwd`/,
    ],
    ["SELECT * FROM 'https://example.com/x.parquet'", /Only the data set's table/],
    ['SELECT * FROM information_schema.tables', /`information_schema.tables` is not it/],
    ['SELECT * FROM other', /`other` is not it/],
    ['SELECT * FROM main.data', /`main.data` is not it/],
    ['SELECT * FROM duckdb_settings()', /`duckdb_settings\(\)`/],
    ["SELECT * FROM query('DROP TABLE data')", /`query\(\)`/],
    ["SELECT current_setting('home_directory')", /Function `current_setting` is not allowed/],
    ["SELECT getvariable('x')", /Function `getvariable` is not allowed/],
    ['SELECT city FROM data WHERE city = $1', /Parameters/],
    ['DESCRIBE data', /DESCRIBE, SHOW and SUMMARIZE/],
    ['SELECT nope FROM data', /Referenced column "nope" not found/],
    ['SELECT city FROM data WHERE', /syntax error/i],
    ['SELEC city FROM data', /syntax error/i],
    ['SELECT no_such_fn(city) FROM data', /no_such_fn/],
  ])('refuses %j', async (sql, reason) => {
    const errors = await errorsOf(sql);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join(' ')).toMatch(reason);
    for (const error of errors) {
      expect(error).not.toMatch(/\n|LINE \d|Binder Error|Parser Error|at .*\.ts/);
    }
  });

  it('refuses SQL over the length bound without parsing it', async () => {
    const sql = `SELECT ${'1 + '.repeat(MAX_SQL_CHARS / 4)}1 FROM data`;
    expect(await errorsOf(sql)).toEqual([expect.stringMatching(/characters long; at most 20000/)]);
  });

  it('names every violation of one statement', async () => {
    const errors = await errorsOf(
      "SELECT current_setting('x') FROM data JOIN read_parquet('/x.parquet') ON true",
    );
    expect(errors).toHaveLength(2);
  });
});

// Feature: ai-analytics-platform, Property 14: SQL validation before execution
// Feature: ai-analytics-platform, Property 15: Invalid SQL error handling
describe('property: a statement that writes, or more than one statement, never passes', () => {
  const writes = fc.constantFrom(
    'DELETE FROM data',
    "UPDATE data SET city = 'x'",
    'DROP TABLE data',
    'INSERT INTO data SELECT * FROM data',
    "COPY data TO 'out.parquet'",
    "ATTACH 'x.db'",
    'CREATE TABLE y AS SELECT 1',
    'SET threads = 8',
    "EXPORT DATABASE '/tmp/x'",
  );
  const reads = fc.constantFrom('SELECT count(*) FROM data', 'SELECT city FROM data LIMIT 3');
  const spacing = fc.constantFrom(' ', '\n', ' /* c */ ', '\t');

  it('refuses every write alone or after any read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(reads), writes, spacing, async (read, write, space) => {
        const sql = read ? `${read};${space}${write}` : `${space}${write}`;
        expect(await errorsOf(sql)).not.toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
