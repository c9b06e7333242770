/** SQL for ingestion.datasets and ingestion.jobs; rows parsed with zod on the way out. */
import { z } from 'zod';
import type { Cursor, Pool } from '@platform/runtime';
import type pg from 'pg';

/** The pool, or a client inside a transaction. */
type Queryable = Pick<pg.Pool, 'query'>;

const bigint = z.union([z.string(), z.number()]).transform((v) => Number(v));

export const DatasetRow = z.object({
  id: z.string(),
  owner_id: z.string(),
  name: z.string(),
  source_type: z.enum(['CSV', 'JSON', 'PARQUET', 'DATABASE']),
  status: z.enum(['PENDING', 'PROCESSING', 'READY', 'FAILED']),
  size_bytes: bigint,
  error_message: z.string().nullable(),
  row_count: bigint.nullable(),
  column_count: z.number().nullable(),
  version: z.number(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type DatasetRow = z.infer<typeof DatasetRow>;

export const JobRow = z.object({
  id: z.string(),
  dataset_id: z.string().nullable(),
  owner_id: z.string(),
  type: z.enum(['INGESTION', 'PROCESSING', 'TRAINING']),
  status: z.enum(['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED']),
  progress: z.number(),
  error_message: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type JobRow = z.infer<typeof JobRow>;

const DATASET_COLUMNS = `id, owner_id, name, source_type, status, size_bytes, error_message,
  row_count, column_count, version, created_at, updated_at`;
const JOB_COLUMNS = `id, dataset_id, owner_id, type, status, progress, error_message, created_at,
  updated_at`;

export function createIngestionStore(pool: Pool) {
  return {
    /** One page, newest first; fetches one extra row to know whether another page follows. */
    async datasetPage(options: {
      limit: number;
      after?: Cursor | undefined;
      ownerId?: string | undefined;
    }): Promise<{ rows: DatasetRow[]; hasNextPage: boolean }> {
      const { rows } = await pool.query(
        `SELECT ${DATASET_COLUMNS} FROM ingestion.datasets
          WHERE ($1::uuid IS NULL OR owner_id = $1)
            AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
          ORDER BY created_at DESC, id DESC
          LIMIT $4`,
        [
          options.ownerId ?? null,
          options.after?.createdAt ?? null,
          options.after?.id ?? null,
          options.limit + 1,
        ],
      );
      const parsed = rows.map((row) => DatasetRow.parse(row));
      return { rows: parsed.slice(0, options.limit), hasNextPage: parsed.length > options.limit };
    },

    /** One page of an owner's jobs, newest first, optionally in one status. */
    async jobPage(options: {
      limit: number;
      after?: Cursor | undefined;
      ownerId: string;
      status?: string | undefined;
    }): Promise<{ rows: JobRow[]; hasNextPage: boolean }> {
      const { rows } = await pool.query(
        `SELECT ${JOB_COLUMNS} FROM ingestion.jobs
          WHERE owner_id = $1
            AND ($2::text IS NULL OR status = $2)
            AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
          ORDER BY created_at DESC, id DESC
          LIMIT $5`,
        [
          options.ownerId,
          options.status ?? null,
          options.after?.createdAt ?? null,
          options.after?.id ?? null,
          options.limit + 1,
        ],
      );
      const parsed = rows.map((row) => JobRow.parse(row));
      return { rows: parsed.slice(0, options.limit), hasNextPage: parsed.length > options.limit };
    },

    async datasetsByIds(ids: readonly string[]): Promise<DatasetRow[]> {
      const { rows } = await pool.query(
        `SELECT ${DATASET_COLUMNS} FROM ingestion.datasets WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((row) => DatasetRow.parse(row));
    },

    async jobsByIds(ids: readonly string[], db: Queryable = pool): Promise<JobRow[]> {
      const { rows } = await db.query(
        `SELECT ${JOB_COLUMNS} FROM ingestion.jobs WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((row) => JobRow.parse(row));
    },

    async jobsByDatasetIds(datasetIds: readonly string[]): Promise<JobRow[]> {
      const { rows } = await pool.query(
        `SELECT ${JOB_COLUMNS} FROM ingestion.jobs WHERE dataset_id = ANY($1::uuid[])
          ORDER BY created_at DESC, id DESC`,
        [datasetIds],
      );
      return rows.map((row) => JobRow.parse(row));
    },
  };
}
export type IngestionStore = ReturnType<typeof createIngestionStore>;
