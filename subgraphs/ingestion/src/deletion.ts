/**
 * Deleting a data set: its raw object and every processed version go from S3, its rows (and its
 * jobs) from ingestion's tables, and a DELETED event on `dataset.events` tells every other service
 * to delete theirs (dataset-deletions.ts in the runtime). S3 first, inside the transaction that
 * deletes the rows: if S3 fails, nothing is deleted and the call can simply be repeated.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  enqueueEvent,
  notFound,
  withTransaction,
  type Logger,
  type Pool,
  type VerifiedToken,
} from '@platform/runtime';
import { datasetEvent } from './dataset-events';
import { canSee } from './datasets';
import { s3Unavailable } from './s3-errors';

export interface DatasetDeletion {
  datasetId: string;
  deletedAt: Date;
}

/** Removes every object under `prefix`, a thousand at a time (S3's batch limit). */
async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let removed = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length > 0) {
      const result = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
      );
      if (result.Errors?.length) {
        throw new Error(`S3 kept ${result.Errors.length} object(s) under ${prefix}`);
      }
      removed += keys.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return removed;
}

export function createDeletion(deps: {
  pool: Pool;
  s3: S3Client;
  /** Where the processor writes typed Parquet (`datasets/<id>/v<n>/`). */
  dataBucket: string;
  logger: Logger;
}) {
  const log = deps.logger.child({ source: 'deletion' });
  return async function deleteDataset(
    viewer: VerifiedToken,
    datasetId: string,
  ): Promise<DatasetDeletion> {
    return withTransaction(deps.pool, async (tx) => {
      const { rows } = await tx.query(
        `SELECT owner_id, raw_bucket, raw_key, data_bucket FROM ingestion.datasets
          WHERE id = $1 FOR UPDATE`,
        [datasetId],
      );
      const dataset = rows[0] as
        | {
            owner_id: string;
            raw_bucket: string | null;
            raw_key: string | null;
            data_bucket: string | null;
          }
        | undefined;
      if (!dataset || !canSee(viewer, dataset)) throw notFound('Dataset', datasetId);
      try {
        if (dataset.raw_bucket && dataset.raw_key) {
          await deps.s3.send(
            new DeleteObjectCommand({ Bucket: dataset.raw_bucket, Key: dataset.raw_key }),
          );
        }
        const buckets = new Set([deps.dataBucket, dataset.data_bucket ?? deps.dataBucket]);
        for (const bucket of buckets) await deletePrefix(deps.s3, bucket, `datasets/${datasetId}/`);
      } catch (error) {
        throw s3Unavailable('delete the data set’s files', error, log);
      }
      const { rows: deleted } = await tx.query(
        `DELETE FROM ingestion.datasets WHERE id = $1 RETURNING now() AS deleted_at`,
        [datasetId],
      );
      await enqueueEvent(
        tx,
        'ingestion',
        datasetEvent({ datasetId, ownerId: dataset.owner_id, kind: 'DELETED' }),
      );
      return { datasetId, deletedAt: (deleted[0] as { deleted_at: Date }).deleted_at };
    });
  };
}
export type DeleteDataset = ReturnType<typeof createDeletion>;
