/** SQL for ml.models; rows parsed with zod on the way out. */
import { z } from 'zod';
import type { Pool } from '@platform/runtime';
import { MetricsJson } from './model-metrics';

export const ModelRow = z.object({
  id: z.string(),
  dataset_id: z.string(),
  user_id: z.string(),
  target_column: z.string(),
  problem_type: z.enum(['CLASSIFICATION', 'REGRESSION']),
  status: z.enum(['QUEUED', 'TRAINING', 'READY', 'FAILED']),
  metrics: MetricsJson,
  training_time_seconds: z.number().nullable(),
  registry_uri: z.string().nullable(),
  created_at: z.date(),
});
export type ModelRow = z.infer<typeof ModelRow>;

const MODEL_COLUMNS = `id, dataset_id, user_id, target_column, problem_type, status, metrics,
  training_time_seconds, registry_uri, created_at`;

export function createMlStore(pool: Pool) {
  return {
    async modelsByIds(ids: readonly string[]): Promise<ModelRow[]> {
      const { rows } = await pool.query(
        `SELECT ${MODEL_COLUMNS} FROM ml.models WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((row) => ModelRow.parse(row));
    },

    async modelsByDatasetIds(datasetIds: readonly string[]): Promise<ModelRow[]> {
      const { rows } = await pool.query(
        `SELECT ${MODEL_COLUMNS} FROM ml.models WHERE dataset_id = ANY($1::uuid[])
          ORDER BY created_at DESC, id DESC`,
        [datasetIds],
      );
      return rows.map((row) => ModelRow.parse(row));
    },
  };
}
export type MlStore = ReturnType<typeof createMlStore>;
