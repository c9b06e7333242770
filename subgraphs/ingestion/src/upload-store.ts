/** SQL for ingestion.uploads, and the one transaction that turns an upload into a queued job. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { enqueueEvent, withTransaction, type Pool } from '@platform/runtime';
import type pg from 'pg';
import { datasetEvent } from './dataset-events';
import { ingestionEvent } from './ingestion-event';
import { JobRow } from './store';

const bigint = z.union([z.string(), z.number()]).transform((v) => Number(v));

export const UploadRow = z.object({
  id: z.string(),
  owner_id: z.string(),
  file_name: z.string(),
  content_type: z.string(),
  source_type: z.enum(['CSV', 'JSON', 'PARQUET']),
  size_bytes: bigint,
  bucket: z.string(),
  object_key: z.string(),
  multipart_id: z.string().nullable(),
  part_size: bigint.nullable(),
  part_count: z.number(),
  status: z.enum(['PENDING', 'COMPLETED', 'ABORTED', 'REJECTED', 'EXPIRED']),
  rejection: z.string().nullable(),
  expires_at: z.date(),
  job_id: z.string().nullable(),
  dataset_id: z.string().nullable(),
});
export type UploadRow = z.infer<typeof UploadRow>;

export type NewUpload = Pick<
  UploadRow,
  | 'id'
  | 'owner_id'
  | 'file_name'
  | 'content_type'
  | 'source_type'
  | 'size_bytes'
  | 'bucket'
  | 'object_key'
  | 'multipart_id'
  | 'part_size'
  | 'part_count'
  | 'expires_at'
>;

export function createUploadStore(pool: Pool) {
  const transaction = <T>(work: (tx: pg.PoolClient) => Promise<T>) => withTransaction(pool, work);

  return {
    async insert(upload: NewUpload): Promise<void> {
      await pool.query(
        `INSERT INTO ingestion.uploads (id, owner_id, file_name, content_type, source_type,
           size_bytes, bucket, object_key, multipart_id, part_size, part_count, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          upload.id,
          upload.owner_id,
          upload.file_name,
          upload.content_type,
          upload.source_type,
          upload.size_bytes,
          upload.bucket,
          upload.object_key,
          upload.multipart_id,
          upload.part_size,
          upload.part_count,
          upload.expires_at,
        ],
      );
    },

    inTransaction: transaction,

    /** The owner's upload as it is now (no lock), or undefined. */
    async find(id: string, ownerId: string): Promise<UploadRow | undefined> {
      const { rows } = await pool.query(
        'SELECT * FROM ingestion.uploads WHERE id = $1 AND owner_id = $2',
        [id, ownerId],
      );
      return rows.length === 0 ? undefined : UploadRow.parse(rows[0]);
    },

    /**
     * The owner's upload if it is still pending, its expiry moved to `expiresAt` (never earlier);
     * undefined otherwise.
     */
    async extendPending(
      id: string,
      ownerId: string,
      expiresAt: Date,
    ): Promise<UploadRow | undefined> {
      const { rows } = await pool.query(
        `UPDATE ingestion.uploads SET expires_at = greatest(expires_at, $3), updated_at = now()
          WHERE id = $1 AND owner_id = $2 AND status = 'PENDING'
          RETURNING *`,
        [id, ownerId, expiresAt],
      );
      return rows.length === 0 ? undefined : UploadRow.parse(rows[0]);
    },

    /**
     * Runs `work` in a transaction with the owner's upload locked (FOR UPDATE): concurrent
     * completions of one upload run one after the other. Undefined when the caller has no such
     * upload.
     */
    async withLocked<T>(
      id: string,
      ownerId: string,
      work: (upload: UploadRow, tx: pg.PoolClient) => Promise<T>,
    ): Promise<T | undefined> {
      return transaction(async (tx) => {
        const { rows } = await tx.query(
          `SELECT * FROM ingestion.uploads WHERE id = $1 AND owner_id = $2 FOR UPDATE`,
          [id, ownerId],
        );
        return rows.length === 0 ? undefined : work(UploadRow.parse(rows[0]), tx);
      });
    },

    async setStatus(
      tx: pg.PoolClient,
      id: string,
      status: 'ABORTED' | 'REJECTED' | 'EXPIRED',
      rejection?: string,
    ): Promise<void> {
      await tx.query(
        `UPDATE ingestion.uploads SET status = $2, rejection = $3, updated_at = now() WHERE id = $1`,
        [id, status, rejection ?? null],
      );
    },

    /**
     * The upload's Dataset, its queued INGESTION job and the `data.ingestion` event, and the
     * upload marked completed: all in the caller's transaction, so all or nothing.
     */
    async complete(tx: pg.PoolClient, upload: UploadRow): Promise<JobRow> {
      const datasetId = randomUUID();
      const jobId = randomUUID();
      const { rows: datasets } = await tx.query(
        `INSERT INTO ingestion.datasets (id, owner_id, name, source_type, raw_bucket, raw_key,
           size_bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at`,
        [
          datasetId,
          upload.owner_id,
          upload.file_name,
          upload.source_type,
          upload.bucket,
          upload.object_key,
          upload.size_bytes,
        ],
      );
      const { rows: jobs } = await tx.query(
        `INSERT INTO ingestion.jobs (id, dataset_id, owner_id, type, metadata)
         VALUES ($1, $2, $3, 'INGESTION', $4)
         RETURNING id, dataset_id, owner_id, type, status, progress, error_message, created_at,
           updated_at`,
        [jobId, datasetId, upload.owner_id, JSON.stringify({ uploadId: upload.id })],
      );
      await tx.query(
        `UPDATE ingestion.uploads SET status = 'COMPLETED', job_id = $2, dataset_id = $3,
           updated_at = now()
         WHERE id = $1`,
        [upload.id, jobId, datasetId],
      );
      const occurredAt = (datasets[0] as { created_at: Date }).created_at.toISOString();
      await enqueueEvent(
        tx,
        'ingestion',
        ingestionEvent({
          jobId,
          datasetId,
          userId: upload.owner_id,
          sourceType: upload.source_type,
          rawObject: { bucket: upload.bucket, key: upload.object_key },
          sizeBytes: upload.size_bytes,
          occurredAt,
        }),
      );
      await enqueueEvent(
        tx,
        'ingestion',
        datasetEvent({
          datasetId,
          ownerId: upload.owner_id,
          kind: 'CREATED',
          status: 'PENDING',
          jobId,
          occurredAt,
        }),
      );
      return JobRow.parse(jobs[0]);
    },

    /** Pending uploads whose URLs expired more than `graceSeconds` ago, locked for the sweeper. */
    async lockExpired(tx: pg.PoolClient, graceSeconds: number, limit: number) {
      const { rows } = await tx.query(
        `SELECT * FROM ingestion.uploads
          WHERE status = 'PENDING' AND expires_at < now() - make_interval(secs => $1)
          ORDER BY expires_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [graceSeconds, limit],
      );
      return rows.map((row) => UploadRow.parse(row));
    },
  };
}
export type UploadStore = ReturnType<typeof createUploadStore>;
