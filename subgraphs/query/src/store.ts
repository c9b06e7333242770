/** SQL for query.queries; rows parsed with zod on the way out. */
import { z } from 'zod';
import { withTransaction, type Pool } from '@platform/runtime';

const bigint = z.union([z.string(), z.number()]).transform((v) => Number(v));

export const QueryRow = z.object({
  id: z.string(),
  user_id: z.string(),
  dataset_id: z.string(),
  question: z.string(),
  generated_sql: z.string(),
  explanation: z.string(),
  row_count: bigint.nullable(),
  execution_time_ms: z.number().nullable(),
  engine: z.string(),
  verified: z.boolean(),
  created_at: z.date(),
});
export type QueryRow = z.infer<typeof QueryRow>;

const QUERY_COLUMNS = `id, user_id, dataset_id, question, generated_sql, explanation, row_count,
  execution_time_ms, engine, verified, created_at`;

export interface NewQuery {
  userId: string;
  datasetId: string;
  question: string;
  sql: string;
  explanation: string;
  rowCount: number;
  executionTimeMs: number;
  engine: string;
}

export function createQueryStore(pool: Pool) {
  return {
    /**
     * Records an answered question; returns its row. The commit does not wait for the WAL flush
     * (`synchronous_commit = off` for this transaction only): a history row may be lost if
     * PostgreSQL itself crashes in the next fraction of a second, and the answer does not wait
     * on a disk flush.
     */
    async insert(q: NewQuery): Promise<QueryRow> {
      return withTransaction(pool, async (tx) => {
        await tx.query("SELECT set_config('synchronous_commit', 'off', true)");
        const { rows } = await tx.query(
          `INSERT INTO query.queries (user_id, dataset_id, question, generated_sql, explanation,
             row_count, execution_time_ms, engine)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING ${QUERY_COLUMNS}`,
          [
            q.userId,
            q.datasetId,
            q.question,
            q.sql,
            q.explanation,
            q.rowCount,
            q.executionTimeMs,
            q.engine,
          ],
        );
        return QueryRow.parse(rows[0]);
      });
    },

    /** Marks (or unmarks) an answer as verified; null when it is not there. */
    async setVerified(id: string, verified: boolean): Promise<QueryRow | null> {
      const { rows } = await pool.query(
        `UPDATE query.queries SET verified = $2 WHERE id = $1 RETURNING ${QUERY_COLUMNS}`,
        [id, verified],
      );
      return rows[0] ? QueryRow.parse(rows[0]) : null;
    },

    /** A user's questions, newest first, optionally about one data set. */
    async history(userId: string, datasetId: string | null, limit: number): Promise<QueryRow[]> {
      const { rows } = await pool.query(
        `SELECT ${QUERY_COLUMNS} FROM query.queries
          WHERE user_id = $1 AND ($2::uuid IS NULL OR dataset_id = $2)
          ORDER BY created_at DESC, id DESC LIMIT $3`,
        [userId, datasetId, limit],
      );
      return rows.map((row) => QueryRow.parse(row));
    },

    /** The data set's verified question→SQL pairs, newest first (examples for the model). */
    async verifiedExamples(
      datasetId: string,
      limit: number,
    ): Promise<{ question: string; sql: string }[]> {
      const { rows } = await pool.query(
        `SELECT DISTINCT ON (lower(question)) question, generated_sql FROM query.queries
          WHERE dataset_id = $1 AND verified
          ORDER BY lower(question), created_at DESC LIMIT $2`,
        [datasetId, limit],
      );
      return rows.map((r: { question: string; generated_sql: string }) => ({
        question: r.question,
        sql: r.generated_sql,
      }));
    },

    async byIds(ids: readonly string[]): Promise<QueryRow[]> {
      const { rows } = await pool.query(
        `SELECT ${QUERY_COLUMNS} FROM query.queries WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((row) => QueryRow.parse(row));
    },

    /** The `limit` newest queries of each data set: one index range scan per data set. */
    async recentByDatasetIds(datasetIds: readonly string[], limit: number): Promise<QueryRow[]> {
      const { rows } = await pool.query(
        `SELECT q.* FROM unnest($1::uuid[]) AS d(id)
           CROSS JOIN LATERAL (
             SELECT ${QUERY_COLUMNS} FROM query.queries
              WHERE dataset_id = d.id
              ORDER BY created_at DESC, id DESC
              LIMIT $2
           ) q
          ORDER BY q.dataset_id, q.created_at DESC, q.id DESC`,
        [datasetIds, limit],
      );
      return rows.map((row) => QueryRow.parse(row));
    },
  };
}
export type QueryStore = ReturnType<typeof createQueryStore>;
