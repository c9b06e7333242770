/**
 * The data set a question is about, as the engines see it: its latest processed version's
 * profile (read, never written, from `quality.profiles`, which the processor writes when a
 * version is ready) with the values of its low-cardinality columns read from the warehouse once
 * per version. Owners and admins may query a data set; anyone else is told it does not exist.
 */
import { z } from 'zod';
import { notFound, type Pool, type Principal } from '@platform/runtime';
import type { ColumnInfo, ColumnType, DatasetSchema } from './dataset-schema';
import { withValues } from './schema-values';
import type { Warehouse } from './warehouse/warehouse';

const count = z.union([z.string(), z.number()]).transform(Number);
const text = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => (v == null ? null : String(v)));

const ProfileColumn = z.object({
  name: z.string(),
  data_type: z.string().transform((t) => t.toLowerCase()),
  null_count: count,
  unique_count: count,
  min_value: text,
  max_value: text,
  mean: z.number().nullish(),
});

const TYPES = new Set<ColumnType>(['integer', 'float', 'boolean', 'date', 'timestamp', 'string']);

const LatestProfile = z.object({
  version: z.number(),
  row_count: count,
  owner_id: z.string().nullable(),
  columns: z.array(ProfileColumn),
});

export interface Datasets {
  /** The caller's data set at its latest processed version; NOT_FOUND otherwise. */
  schemaFor(viewer: Principal, datasetId: string): Promise<DatasetSchema>;
}

export function createDatasets(options: {
  pool: Pool;
  warehouse: Warehouse;
  timeoutMs: number;
}): Datasets {
  // Schemas with values, by data set version (a version never changes).
  const schemas = new Map<string, Promise<DatasetSchema>>();

  async function build(datasetId: string, profile: z.infer<typeof LatestProfile>) {
    const columns: ColumnInfo[] = profile.columns.map((c) => ({
      name: c.name,
      type: TYPES.has(c.data_type as ColumnType) ? (c.data_type as ColumnType) : 'string',
      nullCount: c.null_count,
      distinctCount: c.unique_count,
      min: c.min_value,
      max: c.max_value,
      mean: c.mean ?? null,
      values: null,
    }));
    const version = { datasetId, version: profile.version };
    const run = async (sql: string) =>
      (await options.warehouse.run(version, sql, { maxRows: 10_000, timeoutMs: options.timeoutMs }))
        .rows;
    return {
      datasetId,
      version: profile.version,
      rowCount: profile.row_count,
      columns: await withValues(columns, run),
    };
  }

  return {
    async schemaFor(viewer, datasetId) {
      const { rows } = await options.pool.query(
        `SELECT version, row_count, owner_id, columns FROM quality.profiles
          WHERE dataset_id = $1 ORDER BY version DESC LIMIT 1`,
        [datasetId],
      );
      const profile = rows[0] ? LatestProfile.parse(rows[0]) : null;
      if (!profile || (viewer.role !== 'admin' && profile.owner_id !== viewer.userId)) {
        throw notFound('Data set', datasetId);
      }
      const key = `${datasetId}/v${profile.version}`;
      let schema = schemas.get(key);
      if (!schema) {
        schema = build(datasetId, profile);
        schemas.set(key, schema);
        schema.catch(() => schemas.delete(key));
        if (schemas.size > 256) schemas.delete(schemas.keys().next().value!);
      }
      return schema;
    },
  };
}
