/** SQL for dashboards.dashboards and dashboards.visualizations; rows parsed with zod. */
import { z } from 'zod';
import type { Cursor, Pool } from '@platform/runtime';
import { PositionJson } from './position';

export const DashboardRow = z.object({
  id: z.string(),
  owner_id: z.string(),
  name: z.string(),
  shared: z.boolean(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type DashboardRow = z.infer<typeof DashboardRow>;

export const VisualizationRow = z.object({
  id: z.string(),
  dashboard_id: z.string(),
  chart_type: z.enum(['LINE', 'BAR', 'SCATTER', 'PIE']),
  dataset_id: z.string(),
  query: z.string(),
  position: PositionJson,
  created_at: z.date(),
});
export type VisualizationRow = z.infer<typeof VisualizationRow>;

// The share token and layout stay in the database until a feature needs them.
const DASHBOARD_COLUMNS = 'id, owner_id, name, shared, created_at, updated_at';
const VISUALIZATION_COLUMNS =
  'id, dashboard_id, chart_type, dataset_id, query, position, created_at';

export function createDashboardStore(pool: Pool) {
  return {
    /** One page, newest first; fetches one extra row to know whether another page follows. */
    async dashboardPage(options: {
      limit: number;
      after?: Cursor | undefined;
      ownerId?: string | undefined;
    }): Promise<{ rows: DashboardRow[]; hasNextPage: boolean }> {
      const { rows } = await pool.query(
        `SELECT ${DASHBOARD_COLUMNS} FROM dashboards.dashboards
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
      const parsed = rows.map((row) => DashboardRow.parse(row));
      return { rows: parsed.slice(0, options.limit), hasNextPage: parsed.length > options.limit };
    },

    async dashboardsByIds(ids: readonly string[]): Promise<DashboardRow[]> {
      const { rows } = await pool.query(
        `SELECT ${DASHBOARD_COLUMNS} FROM dashboards.dashboards WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((row) => DashboardRow.parse(row));
    },

    async visualizationsByDashboardIds(
      dashboardIds: readonly string[],
    ): Promise<VisualizationRow[]> {
      const { rows } = await pool.query(
        `SELECT ${VISUALIZATION_COLUMNS} FROM dashboards.visualizations
          WHERE dashboard_id = ANY($1::uuid[])
          ORDER BY created_at, id`,
        [dashboardIds],
      );
      return rows.map((row) => VisualizationRow.parse(row));
    },
  };
}
export type DashboardStore = ReturnType<typeof createDashboardStore>;
