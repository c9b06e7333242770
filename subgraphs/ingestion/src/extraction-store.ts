/**
 * SQL of an import's extraction (import-worker.ts): claiming a queued import with a lease, renewing
 * and releasing the lease, and the transactions that end it, handed to the processor or failed.
 *
 * The job's state: claimed, it becomes PROCESSING with progress 0 (its data set PROCESSING too,
 * announced on dataset.events), and stays so when the Parquet file is handed to the processor,
 * whose events then raise the progress and finish it. It never goes back to QUEUED: the state
 * machine (job-state.ts) only moves forward, and neither may what a client watching it sees.
 *
 * The `database_imports` row, and with it the sealed password, is deleted when the extraction
 * ends, handed over or failed.
 */
import { randomUUID } from 'node:crypto';
import { enqueueEvent, withTransaction, type Pool } from '@platform/runtime';
import type pg from 'pg';
import { open } from './credentials-key';
import { datasetEvent } from './dataset-events';
import type { SourceConnection } from './import-rules';
import { ingestionEvent } from './ingestion-event';

export interface ClaimedImport {
  jobId: string;
  datasetId: string;
  ownerId: string;
  claimId: string;
  attempt: number;
  /** Undefined when the password does not open (IMPORT_CREDENTIALS_KEY changed since). */
  connection: SourceConnection | undefined;
  query: string;
}

export interface ExtractedObject {
  bucket: string;
  key: string;
  sizeBytes: number;
}

interface ImportRow {
  job_id: string;
  dataset_id: string;
  owner_id: string;
  host: string;
  port: number;
  database_name: string;
  user_name: string;
  ssl: boolean;
  password_ciphertext: Buffer;
  password_iv: Buffer;
  password_tag: Buffer;
  query: string;
  attempts: number;
}

export function createExtractionStore(pool: Pool, key: Buffer) {
  /**
   * Deletes the import row if `claimId` still holds it (null: if its lease ran out); false when it
   * is gone or held by another.
   */
  const take = async (tx: pg.PoolClient, jobId: string, claimId: string | null) => {
    const { rowCount } = await tx.query(
      `DELETE FROM ingestion.database_imports
        WHERE job_id = $1
          AND ($2::uuid IS NULL AND lease_expires_at < now() OR claim_id = $2)`,
      [jobId, claimId],
    );
    return rowCount === 1;
  };

  return {
    /**
     * The oldest import nobody holds (never claimed, or its lease ran out) and tried fewer than
     * `maxAttempts` times, claimed for `leaseSeconds`: its job PROCESSING, its data set PROCESSING.
     * SKIP LOCKED: instances polling at once each get a different one.
     */
    async claim(leaseSeconds: number, maxAttempts: number): Promise<ClaimedImport | undefined> {
      const claimId = randomUUID();
      return withTransaction(pool, async (tx) => {
        const { rows } = await tx.query<ImportRow>(
          `WITH next AS (
             SELECT i.job_id FROM ingestion.database_imports i
               JOIN ingestion.jobs j ON j.id = i.job_id
              WHERE j.status IN ('QUEUED', 'PROCESSING')
                AND (i.lease_expires_at IS NULL OR i.lease_expires_at < now())
                AND i.attempts < $3
              ORDER BY i.created_at
              LIMIT 1
              FOR UPDATE OF i SKIP LOCKED)
           UPDATE ingestion.database_imports i
              SET claim_id = $1, attempts = i.attempts + 1,
                  lease_expires_at = now() + make_interval(secs => $2)
             FROM next, ingestion.jobs j
            WHERE i.job_id = next.job_id AND j.id = i.job_id
           RETURNING i.*, j.dataset_id, j.owner_id`,
          [claimId, leaseSeconds, maxAttempts],
        );
        const row = rows[0];
        if (!row) return undefined;
        await tx.query(
          `UPDATE ingestion.jobs SET status = 'PROCESSING', updated_at = now()
            WHERE id = $1 AND status = 'QUEUED'`,
          [row.job_id],
        );
        const { rowCount } = await tx.query(
          `UPDATE ingestion.datasets SET status = 'PROCESSING', updated_at = now()
            WHERE id = $1 AND status = 'PENDING'`,
          [row.dataset_id],
        );
        if (rowCount) {
          await enqueueEvent(
            tx,
            'ingestion',
            datasetEvent({
              datasetId: row.dataset_id,
              ownerId: row.owner_id,
              kind: 'PROCESSING',
              status: 'PROCESSING',
              jobId: row.job_id,
            }),
          );
        }
        const sealed = {
          ciphertext: row.password_ciphertext,
          iv: row.password_iv,
          tag: row.password_tag,
        };
        // Claimed all the same: the worker fails it, rather than it blocking the queue's head.
        let password: string | undefined;
        try {
          password = open(key, sealed, row.job_id);
        } catch {
          password = undefined;
        }
        return {
          jobId: row.job_id,
          datasetId: row.dataset_id,
          ownerId: row.owner_id,
          claimId,
          attempt: row.attempts,
          connection:
            password === undefined
              ? undefined
              : {
                  host: row.host,
                  port: row.port,
                  database: row.database_name,
                  user: row.user_name,
                  ssl: row.ssl,
                  password,
                },
          query: row.query,
        };
      });
    },

    /** Extends the lease; false when this claim no longer holds the import (taken over, deleted). */
    async renew(claim: ClaimedImport, leaseSeconds: number): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE ingestion.database_imports
            SET lease_expires_at = now() + make_interval(secs => $3)
          WHERE job_id = $1 AND claim_id = $2`,
        [claim.jobId, claim.claimId, leaseSeconds],
      );
      return rowCount === 1;
    },

    /** Gives the import back at once (this process stops); the attempt does not count. */
    async release(claim: ClaimedImport): Promise<void> {
      await pool.query(
        `UPDATE ingestion.database_imports
            SET claim_id = NULL, lease_expires_at = NULL, attempts = greatest(attempts - 1, 0)
          WHERE job_id = $1 AND claim_id = $2`,
        [claim.jobId, claim.claimId],
      );
    },

    /**
     * The hand-over to the processor, in one transaction: the data set's raw object and size, the
     * import row (and the password) deleted, and the `data.ingestion` event a completed upload
     * produces (PARQUET), keyed by job id. Nothing changes when this claim no longer holds the
     * import: `taken` when another worker does, `gone` when the job was deleted meanwhile.
     */
    async handOver(
      claim: ClaimedImport,
      object: ExtractedObject,
    ): Promise<'done' | 'taken' | 'gone'> {
      return withTransaction(pool, async (tx) => {
        if (!(await take(tx, claim.jobId, claim.claimId))) {
          const { rowCount } = await tx.query('SELECT 1 FROM ingestion.jobs WHERE id = $1', [
            claim.jobId,
          ]);
          return rowCount ? 'taken' : 'gone';
        }
        await tx.query(
          `UPDATE ingestion.datasets SET raw_bucket = $2, raw_key = $3, size_bytes = $4,
             updated_at = now()
           WHERE id = $1`,
          [claim.datasetId, object.bucket, object.key, object.sizeBytes],
        );
        await tx.query(`UPDATE ingestion.jobs SET updated_at = now() WHERE id = $1`, [claim.jobId]);
        await enqueueEvent(
          tx,
          'ingestion',
          ingestionEvent({
            jobId: claim.jobId,
            datasetId: claim.datasetId,
            userId: claim.ownerId,
            sourceType: 'PARQUET',
            rawObject: { bucket: object.bucket, key: object.key },
            sizeBytes: object.sizeBytes,
          }),
        );
        return 'done';
      });
    },

    /**
     * The job and its data set FAILED with `reason`, a dataset.events FAILED, the import row (and
     * the password) deleted; `claimId` null fails it if its lease ran out. False when it was not
     * ours to fail (already gone, or held by another).
     */
    async fail(
      target: { jobId: string; datasetId: string; ownerId: string },
      claimId: string | null,
      reason: string,
    ): Promise<boolean> {
      return withTransaction(pool, async (tx) => {
        if (!(await take(tx, target.jobId, claimId))) return false;
        await tx.query(
          `UPDATE ingestion.jobs SET status = 'FAILED', error_message = $2, updated_at = now()
            WHERE id = $1 AND status IN ('QUEUED', 'PROCESSING')`,
          [target.jobId, reason],
        );
        await tx.query(
          `UPDATE ingestion.datasets SET status = 'FAILED', error_message = $2, updated_at = now()
            WHERE id = $1`,
          [target.datasetId, reason],
        );
        await enqueueEvent(
          tx,
          'ingestion',
          datasetEvent({
            datasetId: target.datasetId,
            ownerId: target.ownerId,
            kind: 'FAILED',
            status: 'FAILED',
            jobId: target.jobId,
            message: reason,
          }),
        );
        return true;
      });
    },

    /** Imports whose last allowed attempt stopped (its lease ran out): to be failed. */
    async abandoned(maxAttempts: number) {
      const { rows } = await pool.query<{ job_id: string; dataset_id: string; owner_id: string }>(
        `SELECT i.job_id, j.dataset_id, j.owner_id FROM ingestion.database_imports i
           JOIN ingestion.jobs j ON j.id = i.job_id
          WHERE i.attempts >= $1 AND i.lease_expires_at < now()
          LIMIT 100`,
        [maxAttempts],
      );
      return rows.map((r) => ({ jobId: r.job_id, datasetId: r.dataset_id, ownerId: r.owner_id }));
    },
  };
}
export type ExtractionStore = ReturnType<typeof createExtractionStore>;
