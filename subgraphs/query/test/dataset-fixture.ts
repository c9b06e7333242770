/**
 * A processed data set as the processor leaves it, for the query service's tests: the vega file
 * written as Parquet to `s3://<data bucket>/datasets/<id>/v<n>/data.parquet` and its profile row in
 * `quality.profiles` (columns as the processor names them), owned by `ownerId`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Pool } from '@platform/runtime';
import { TABLE_NAME } from '../src/dataset-schema';
import { parquetKey } from '../src/warehouse/parquet-cache';
import { goldenFiles, loadGolden } from './golden-set';

export interface DatasetFixture {
  datasetId: string;
  version: number;
  rowCount: number;
  parquet: Buffer;
  remove(): Promise<void>;
}

export async function createDatasetFixture(options: {
  pool: Pool;
  s3: S3Client;
  bucket: string;
  ownerId: string;
  /** A golden file name: cars, penguins, seattle-weather, stocks, gapminder. */
  name: string;
}): Promise<DatasetFixture> {
  const file = goldenFiles().find((f) => f.name === options.name)!;
  const { db, schema } = await loadGolden(file);
  const dir = await mkdtemp(join(tmpdir(), 'query-fixture-'));
  const datasetId = randomUUID();
  const version = 1;
  try {
    const path = join(dir, 'data.parquet');
    await db.run(`COPY ${TABLE_NAME} TO '${path}' (FORMAT parquet, COMPRESSION zstd)`);
    const parquet = await readFile(path);
    await options.s3.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: parquetKey({ datasetId, version }),
        Body: parquet,
      }),
    );
    const columns = schema.columns.map((c) => ({
      name: c.name,
      data_type: c.type,
      null_count: c.nullCount,
      null_percentage: schema.rowCount ? (100 * c.nullCount) / schema.rowCount : 0,
      unique_count: c.distinctCount,
      min_value: c.min,
      max_value: c.max,
      mean: c.mean,
    }));
    await options.pool.query(
      `INSERT INTO quality.profiles (dataset_id, version, row_count, column_count, size_bytes,
         quality_score, columns, owner_id)
       VALUES ($1, $2, $3, $4, $5, 1, $6, $7)`,
      [
        datasetId,
        version,
        schema.rowCount,
        columns.length,
        parquet.length,
        JSON.stringify(columns),
        options.ownerId,
      ],
    );
    return {
      datasetId,
      version,
      rowCount: schema.rowCount,
      parquet,
      remove: async () => {
        await options.pool.query('DELETE FROM quality.profiles WHERE dataset_id = $1', [datasetId]);
        await options.s3.send(
          new DeleteObjectCommand({
            Bucket: options.bucket,
            Key: parquetKey({ datasetId, version }),
          }),
        );
      },
    };
  } finally {
    db.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
