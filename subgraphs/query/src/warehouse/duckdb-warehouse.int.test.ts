/**
 * The DuckDB warehouse over a real Parquet object in the local S3: answers, caps rows, stops a
 * runaway statement at its timeout, and refuses (even SQL the validator would have refused)
 * anything that reads outside the data set; the data and its files are unchanged afterwards.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { localS3, localStackEnv } from '../../../runtime/test/local-stack';
import { createDuckDbWarehouse } from './duckdb-warehouse';
import { createParquetCache, parquetKey } from './parquet-cache';
import { WarehouseError, type Warehouse } from './warehouse';

const env = localStackEnv();
const s3 = localS3(env);
const bucket = env.S3_DATA_BUCKET!;
const cars = { datasetId: randomUUID(), version: 1 };
let dir: string;
let warehouse: Warehouse;
let parquet: Buffer;

const run = (sql: string, maxRows = 100, timeoutMs = 10_000) =>
  warehouse.run(cars, sql, { maxRows, timeoutMs });

async function failure(promise: Promise<unknown>): Promise<WarehouseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WarehouseError);
    return error as WarehouseError;
  }
  throw new Error('expected the run to fail');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'query-warehouse-'));
  const file = join(dir, 'cars.parquet');
  const maker = await (await DuckDBInstance.create(':memory:')).connect();
  await maker.run(
    `COPY (SELECT * FROM read_json_auto('node_modules/vega-datasets/data/cars.json'))
       TO '${file}' (FORMAT parquet)`,
  );
  parquet = await readFile(file);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: parquetKey(cars), Body: parquet }));
  warehouse = createDuckDbWarehouse({
    files: createParquetCache({ s3, bucket, dir: join(dir, 'cache'), maxBytes: 50_000_000 }),
    tempDir: join(dir, 'spill'),
    threads: 1,
    memoryLimit: '256MB',
    maxOpen: 2,
  });
});

afterAll(async () => {
  await warehouse?.close();
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: parquetKey(cars) }));
  s3.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('DuckDB warehouse', () => {
  it('answers over the data set, with column names and types', async () => {
    const result = await run(
      'SELECT Origin, count(*) AS cars, avg(Horsepower) AS hp FROM data GROUP BY Origin ORDER BY cars DESC',
    );
    expect(result.columns).toEqual([
      { name: 'Origin', type: 'VARCHAR' },
      { name: 'cars', type: 'BIGINT' },
      { name: 'hp', type: 'DOUBLE' },
    ]);
    expect(result.rows.map((r) => r.slice(0, 2))).toEqual([
      ['USA', '254'],
      ['Japan', '79'],
      ['Europe', '73'],
    ]);
    expect(result.truncated).toBe(false);
    expect(result.executionMs).toBeGreaterThanOrEqual(0);
  });

  it('returns dates as ISO text', async () => {
    const result = await run('SELECT min("Year") AS first FROM data');
    expect(result.rows).toEqual([['1970-01-01']]);
  });

  it('caps the rows and says so, keeping the order', async () => {
    const result = await run('SELECT Name FROM data ORDER BY Weight_in_lbs DESC', 3);
    expect(result.rows).toHaveLength(3);
    expect(result.truncated).toBe(true);
    const all = await run('SELECT Name FROM data ORDER BY Weight_in_lbs DESC LIMIT 3');
    expect(result.rows).toEqual(all.rows);
    expect(all.truncated).toBe(false);
  });

  it('stops a cross join that runs past the timeout', async () => {
    const started = Date.now();
    const error = await failure(
      run('SELECT count(*) FROM data a, data b, data c, data d, data e', 10, 300),
    );
    expect(error.reason).toBe('TIMEOUT');
    expect(error.message).toBe('The query ran longer than 0.3 s and was stopped.');
    expect(Date.now() - started).toBeLessThan(10_000);
    // The database is still usable.
    expect((await run('SELECT count(*) FROM data')).rows).toEqual([['406']]);
  });

  it.each([
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM '/etc/hostname'",
    "COPY data TO '/tmp/leak.csv'",
    "ATTACH '/tmp/other.duckdb' AS other",
    'INSTALL httpfs',
    'SET enable_external_access = true',
    "SET memory_limit = '100GB'",
  ])('refuses %s even without the validator, and changes nothing', async (sql) => {
    const error = await failure(run(sql));
    expect(error.reason).toBe('QUERY_FAILED');
    expect(error.message).not.toMatch(/\n|Error:/);
    expect((await run('SELECT count(*) FROM data')).rows).toEqual([['406']]);
  });

  it('reports a failure of the SQL itself as QUERY_FAILED with a readable message', async () => {
    const error = await failure(run('SELECT CAST(Name AS INTEGER) FROM data'));
    expect(error.reason).toBe('QUERY_FAILED');
    expect(error.message).toMatch(/Could not convert string/);
  });

  it('reports a version missing from storage as UNAVAILABLE', async () => {
    const error = await failure(
      warehouse.run({ datasetId: randomUUID(), version: 3 }, 'SELECT 1', {
        maxRows: 1,
        timeoutMs: 5000,
      }),
    );
    expect(error.reason).toBe('UNAVAILABLE');
  });

  it('keeps the data and its files unchanged after everything above', async () => {
    const cached = join(dir, 'cache', cars.datasetId);
    const files = await readdir(cached);
    expect(files).toEqual(['v1.parquet']);
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(digest(await readFile(join(cached, 'v1.parquet')))).toBe(digest(parquet));
    await expect(readFile('/tmp/leak.csv')).rejects.toThrow();
  });

  it('forgets a deleted data set: its local copy goes, and nothing else', async () => {
    await warehouse.forget!(cars.datasetId);
    await expect(readdir(join(dir, 'cache', cars.datasetId))).rejects.toThrow();
    // Harmless twice, and for a data set it never held.
    await warehouse.forget!(cars.datasetId);
    await warehouse.forget!(randomUUID());
    // Asked again (the object is still in S3 in this test), it is fetched and loaded anew.
    expect((await run('SELECT count(*) FROM data')).rows).toEqual([['406']]);
  });
});
