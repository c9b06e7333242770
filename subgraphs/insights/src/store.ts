/** SQL for insights.insights; rows parsed with zod on the way out. */
import { z } from 'zod';
import type { Pool } from '@platform/runtime';

export const InsightRow = z.object({
  id: z.string(),
  dataset_id: z.string(),
  kind: z.enum(['ANOMALY', 'TREND', 'RECOMMENDATION']),
  title: z.string(),
  description: z.string(),
  severity: z.enum(['LOW', 'MEDIUM', 'HIGH']),
  details: z.record(z.string(), z.unknown()),
  created_at: z.date(),
});
export type InsightRow = z.infer<typeof InsightRow>;

const INSIGHT_COLUMNS = 'id, dataset_id, kind, title, description, severity, details, created_at';

export function createInsightStore(pool: Pool) {
  return {
    /** The `limit` newest insights of each data set: one index range scan per data set. */
    async recentByDatasetIds(datasetIds: readonly string[], limit: number): Promise<InsightRow[]> {
      const { rows } = await pool.query(
        `SELECT i.* FROM unnest($1::uuid[]) AS d(id)
           CROSS JOIN LATERAL (
             SELECT ${INSIGHT_COLUMNS} FROM insights.insights
              WHERE dataset_id = d.id
              ORDER BY created_at DESC, id DESC
              LIMIT $2
           ) i
          ORDER BY i.dataset_id, i.created_at DESC, i.id DESC`,
        [datasetIds, limit],
      );
      return rows.map((row) => InsightRow.parse(row));
    },
  };
}
export type InsightStore = ReturnType<typeof createInsightStore>;
