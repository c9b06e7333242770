/** SQL for query.queries; rows parsed with zod on the way out. */
import { z } from 'zod';
import type { Pool } from '@platform/runtime';

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

export function createQueryStore(pool: Pool) {
  return {
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
