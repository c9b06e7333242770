/** The Snowflake-dialect SQL checks: what the engines write passes, every hostile form does not. */
import fc from 'fast-check';
import type { DatasetSchema } from '../dataset-schema';
import { createSnowflakeValidator, tokenizeSql } from './snowflake-validator';

const column = (name: string, type: DatasetSchema['columns'][number]['type']) => ({
  name,
  type,
  nullCount: 0,
  distinctCount: 3,
  min: null,
  max: null,
  mean: null,
  values: null,
});

const schema: DatasetSchema = {
  datasetId: '00000000-0000-4000-8000-000000000001',
  version: 1,
  rowCount: 3,
  columns: [
    column('city', 'string'),
    column('Temp Max', 'float'),
    column('date', 'date'),
    column('Price', 'integer'),
  ],
};

const validator = createSnowflakeValidator();
afterAll(() => validator.close());

const errorsOf = async (sql: string) => {
  const result = await validator.validate(sql, schema);
  return result.valid ? [] : result.errors;
};

describe('valid SQL', () => {
  // The shapes of engines/builtin/to-sql.ts, and what a model commonly writes for Snowflake.
  it.each([
    'SELECT count(*) FROM data',
    'select city, avg("Temp Max") from data group by city order by 2 desc limit 5;',
    `SELECT city, avg("Temp Max") AS average_temp_max
FROM data
WHERE city ILIKE '%on%'
GROUP BY city
ORDER BY average_temp_max DESC NULLS LAST
LIMIT 10`,
    `SELECT date_trunc('month', date) AS month, median("Temp Max") AS median_temp_max
FROM data
GROUP BY date_trunc('month', date)
ORDER BY date_trunc('month', date)`,
    `SELECT year(date) AS year, count(*) AS count
FROM data
WHERE year(date) BETWEEN 2012 AND 2015
  AND city NOT ILIKE '%a!_b%' ESCAPE '!'
GROUP BY year(date)
ORDER BY year(date)`,
    'SELECT city, 100.0 * count(*) / sum(count(*)) OVER () AS percent FROM data GROUP BY city',
    "SELECT 100.0 * count(CASE WHEN city = 'Seattle' THEN 1 END) / count(*) AS percent FROM data",
    'SELECT city, "Temp Max" FROM data WHERE date >= DATE \'2015-01-01\' AND date < DATE \'2015-02-01\' ORDER BY "Temp Max" DESC NULLS LAST LIMIT 5',
    "SELECT count(DISTINCT city) AS distinct, stddev_samp(\"Temp Max\") AS stddev_temp_max FROM data WHERE city IN ('a', 'b')",
    'SELECT price, "Price", PRICE, "PRICE" FROM data',
    `WITH m AS (SELECT date_trunc('month', date) AS month, max("Temp Max") AS t FROM data GROUP BY 1)
     SELECT * FROM m ORDER BY month`,
    // A CTE named like some other table is the statement's own.
    'WITH orders AS (SELECT city FROM data) SELECT city FROM orders',
    'SELECT * FROM data WHERE city IN (SELECT city FROM data WHERE "Temp Max" > 3)',
    'SELECT d.city FROM data AS d JOIN data e ON d.city = e.city',
    'SELECT city, row_number() OVER (PARTITION BY city ORDER BY date) AS rn FROM data QUALIFY rn = 1',
    'SELECT dateadd(day, -7, date) AS week_before, datediff(day, min(date), max(date)) FROM data GROUP BY date',
    "SELECT to_char(date, 'YYYY-MM') AS ym, iff(\"Temp Max\" > 20, 'hot', 'cold') AS feel FROM data",
    'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "Temp Max") FROM data',
    'SELECT CURRENT_DATE() AS today, city FROM data',
    '-- a comment\nSELECT median("Temp Max") FROM data',
    '// a Snowflake comment\nSELECT /* inline */ city FROM data',
    "SELECT 'it''s; fine', $$also; fine$$ FROM data",
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
    ["SELECT ';' FROM data; DELETE FROM data", /Exactly one statement may run; this SQL has 2/],
    ['DELETE FROM data', /Only a read-only SELECT .* this is a DELETE statement/],
    ['DROP TABLE data', /this is a DROP statement/],
    ["UPDATE data SET city = 'x'", /this is an UPDATE statement/],
    ['INSERT INTO data SELECT * FROM data', /this is an INSERT statement/],
    ['MERGE INTO data USING data AS s ON true WHEN MATCHED THEN DELETE', /this is a MERGE/],
    ['TRUNCATE TABLE data', /this is a TRUNCATE statement/],
    ['CREATE TABLE t AS SELECT 1', /this is a CREATE statement/],
    ['/* hi */ CREATE TABLE t AS SELECT 1', /this is a CREATE statement/],
    ["COPY INTO data FROM @stage/x FILE_FORMAT = (TYPE = 'PARQUET')", /this is a COPY statement/],
    ['COPY INTO @stage/out FROM data', /this is a COPY statement/],
    ['PUT file:///tmp/x.csv @stage', /this is a PUT statement/],
    ['GET @stage/x file:///tmp/', /this is a GET statement/],
    ['LIST @stage', /this is a LIST statement/],
    ['REMOVE @stage', /this is a REMOVE statement/],
    ['ALTER SESSION SET QUERY_TAG = 1', /this is an ALTER statement/],
    ['USE ROLE ACCOUNTADMIN', /this is a USE statement/],
    ['SET x = 1', /this is a SET statement/],
    ['CALL system$wait(10)', /this is a CALL statement/],
    ["EXECUTE IMMEDIATE 'DROP TABLE data'", /this is an EXECUTE statement/],
    ['SHOW TABLES', /this is a SHOW statement/],
    ['DESCRIBE TABLE data', /this is a DESCRIBE statement/],
    ['GRANT ALL ON data TO ROLE public', /this is a GRANT statement/],
    ['SELECT * FROM @stage', /Stages \(`@stage`\) cannot be read/],
    ['SELECT * FROM @data', /Stages \(`@data`\) cannot be read/],
    ['SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))', /Table functions such as `TABLE\(...\)`/],
    [
      "SELECT * FROM TABLE(INFER_SCHEMA(LOCATION => '@stage', FILE_FORMAT => 'f'))",
      /Table functions|syntax error/i,
    ],
    ["SELECT * FROM IDENTIFIER('other')", /`IDENTIFIER\(...\)` cannot be used/],
    ['SELECT * FROM data, LATERAL FLATTEN(input => data.city)', /FLATTEN/],
    ['SELECT SYSTEM$WHITELIST()', /Function `SYSTEM\$WHITELIST` is not allowed/],
    ['SELECT system$wait(100) FROM data', /Function `SYSTEM\$WAIT` is not allowed/],
    ['SELECT current_role(), city FROM data', /Function `CURRENT_ROLE` is not allowed/],
    ['SELECT current_user() FROM data', /Function `CURRENT_USER` is not allowed/],
    ["SELECT get_ddl('table', 'data')", /Function `GET_DDL` is not allowed/],
    ["SELECT ai_complete('m', city) FROM data", /Function `AI_COMPLETE` is not allowed/],
    ["SELECT snowflake.cortex.complete('m', city) FROM data", /schema|syntax error/i],
    ['SELECT * FROM other', /Only the data set's table `data` can be read; `other` is not it/],
    ['SELECT * FROM public.data', /`public.data` is not it/],
    ['SELECT * FROM analytics.public.data', /`analytics.public.data` is not it/],
    ['SELECT * FROM information_schema.tables', /`information_schema.tables` is not it/],
    ['SELECT * FROM data JOIN snowflake.account_usage.query_history q ON true', /is not it/],
    ['WITH data AS (SELECT 1 AS x) SELECT * FROM data', /A CTE cannot be named `data`/],
    ['SELECT $1 FROM data', /Session variables and positional columns/],
    ['SELECT city FROM data WHERE city = ?', /Parameters/],
    ['SELECT city FROM data WHERE city = :1', /Parameters/],
    [
      'SELECT nope FROM data',
      /Column "nope" is not in the data set; its columns are city, "Temp Max", "date", "Price"\./,
    ],
    ['SELECT "temp_max" FROM data', /Column "temp_max" is not in the data set/],
    ['SELECT d.nope, other FROM data d', /Columns "nope", "other" are not in the data set/],
    ['SELECT * INTO x FROM data', /SELECT \.\.\. INTO is not allowed/],
    // In Snowflake a backslash escapes the next character of a string, so `'\'` never ends:
    // DuckDB's `ESCAPE '\'` is not Snowflake SQL (write `ESCAPE '!'` for both).
    ["SELECT city FROM data WHERE city ILIKE '%a\\_b%' ESCAPE '\\'", /syntax error/i],
    ['SELECT city FROM data WHERE', /syntax error/i],
    ['SELEC city FROM data', /syntax error/i],
  ])('refuses %j', async (sql, reason) => {
    const errors = await errorsOf(sql);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join(' ')).toMatch(reason);
    for (const error of errors) {
      expect(error).not.toMatch(/\n|Expected "|at .*\.(ts|js)|SyntaxError/);
    }
  });

  it('refuses SQL over the length bound without parsing it', async () => {
    const sql = `SELECT ${'1 + '.repeat(5_000)}1 FROM data`;
    expect(await errorsOf(sql)).toEqual([expect.stringMatching(/characters long; at most 20000/)]);
  });

  it('refuses SQL nested too deeply to check, without a stack trace', async () => {
    const sql = `SELECT ${'('.repeat(3_000)}1${')'.repeat(3_000)} FROM data`;
    expect(await errorsOf(sql)).toEqual(['The SQL is nested too deeply to check.']);
  });

  it('refuses a table function once, and what it calls', async () => {
    expect(await errorsOf('SELECT * FROM data, TABLE(RESULT_SCAN(LAST_QUERY_ID()))')).toEqual([
      'Table functions such as `TABLE(...)` cannot be used; only the table `data` can be read.',
      'Function `RESULT_SCAN` is not allowed here.',
      'Function `LAST_QUERY_ID` is not allowed here.',
    ]);
  });

  it('names every violation of one statement', async () => {
    const errors = await errorsOf('SELECT current_role() FROM data JOIN @stage ON true');
    expect(errors).toHaveLength(2);
  });
});

describe('the lexer', () => {
  it('keeps strings, quoted identifiers and comments whole', () => {
    const tokens = tokenizeSql(`SELECT "a""b", 'x;''y', $$z;$$ -- c;\n/* d; */ FROM t;`);
    expect(tokens.filter((t) => t.kind !== 'space').map((t) => [t.kind, t.text])).toEqual([
      ['word', 'SELECT'],
      ['quoted', 'a"b'],
      ['symbol', ','],
      ['string', "'x;''y'"],
      ['symbol', ','],
      ['string', '$$z;$$'],
      ['comment', '-- c;'],
      ['comment', '/* d; */'],
      ['word', 'FROM'],
      ['word', 't'],
      ['symbol', ';'],
    ]);
  });

  it('reads backslash escapes in strings', () => {
    const tokens = tokenizeSql(String.raw`SELECT 'a\'; b' FROM t`);
    expect(tokens.filter((t) => t.kind === 'string').map((t) => t.text)).toEqual([
      String.raw`'a\'; b'`,
    ]);
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
    'MERGE INTO data USING data s ON true WHEN MATCHED THEN DELETE',
    "COPY INTO data FROM @stage FILE_FORMAT = (TYPE = 'PARQUET')",
    'COPY INTO @stage FROM data',
    'PUT file:///tmp/x @stage',
    'REMOVE @stage',
    'CREATE TABLE y AS SELECT 1',
    'CREATE OR REPLACE STAGE s URL = $$s3://x$$',
    'ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 0',
    'TRUNCATE TABLE data',
    'GRANT OWNERSHIP ON TABLE data TO ROLE r',
    'CALL system$wait(1)',
    "EXECUTE IMMEDIATE 'DROP TABLE data'",
    'UNDROP TABLE data',
  );
  const reads = fc.constantFrom(
    'SELECT count(*) FROM data',
    'SELECT city FROM data LIMIT 3',
    "SELECT 'a;b' FROM data",
  );
  const spacing = fc.constantFrom(' ', '\n', ' /* c */ ', '\t', ' -- c\n', ' // c\n');
  const casing = fc.constantFrom(
    (s: string) => s,
    (s: string) => s.toLowerCase(),
  );

  it('refuses every write alone or after any read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(reads),
        writes,
        spacing,
        casing,
        fc.boolean(),
        async (read, write, space, cased, trailing) => {
          const statement = cased(write) + (trailing ? ';' : '');
          const sql = read ? `${read};${space}${statement}` : `${space}${statement}`;
          const result = await validator.validate(sql, schema);
          expect(result.valid).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
