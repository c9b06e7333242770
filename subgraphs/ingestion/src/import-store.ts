/** SQL for ingestion.database_imports, and the one transaction that queues an import. */
import { randomUUID } from 'node:crypto';
import { enqueueEvent, withTransaction, type Pool } from '@platform/runtime';
import { seal } from './credentials-key';
import { datasetEvent } from './dataset-events';
import type { SourceConnection } from './import-rules';
import { JobRow } from './store';

export interface NewImport {
  ownerId: string;
  name: string;
  connection: SourceConnection;
  query: string;
}

export function createImportStore(pool: Pool, key: Buffer) {
  return {
    /**
     * The import's Dataset (DATABASE, pending), its queued INGESTION job, the connection with the
     * password sealed to the job id, and the dataset.events CREATED event: all or nothing.
     */
    async queue(request: NewImport): Promise<JobRow> {
      const datasetId = randomUUID();
      const jobId = randomUUID();
      const { connection: c } = request;
      const sealed = seal(key, c.password, jobId);
      return withTransaction(pool, async (tx) => {
        const { rows: datasets } = await tx.query(
          `INSERT INTO ingestion.datasets (id, owner_id, name, source_type)
           VALUES ($1, $2, $3, 'DATABASE') RETURNING created_at`,
          [datasetId, request.ownerId, request.name],
        );
        const { rows: jobs } = await tx.query(
          `INSERT INTO ingestion.jobs (id, dataset_id, owner_id, type, metadata)
           VALUES ($1, $2, $3, 'INGESTION', '{"source": "DATABASE"}')
           RETURNING id, dataset_id, owner_id, type, status, progress, error_message, created_at,
             updated_at`,
          [jobId, datasetId, request.ownerId],
        );
        await tx.query(
          `INSERT INTO ingestion.database_imports (job_id, host, port, database_name, user_name,
             ssl, password_ciphertext, password_iv, password_tag, query)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            jobId,
            c.host,
            c.port,
            c.database,
            c.user,
            c.ssl,
            sealed.ciphertext,
            sealed.iv,
            sealed.tag,
            request.query,
          ],
        );
        await enqueueEvent(
          tx,
          'ingestion',
          datasetEvent({
            datasetId,
            ownerId: request.ownerId,
            kind: 'CREATED',
            status: 'PENDING',
            jobId,
            occurredAt: (datasets[0] as { created_at: Date }).created_at.toISOString(),
          }),
        );
        return JobRow.parse(jobs[0]);
      });
    },
  };
}
export type ImportStore = ReturnType<typeof createImportStore>;
