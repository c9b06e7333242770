/** SQL for quality.profiles; rows (and their JSON columns) parsed with zod on the way out. */
import { z } from 'zod';
import type { Pool } from '@platform/runtime';
import { ColumnsJson, IssuesJson } from './profile-json';

const bigint = z.union([z.string(), z.number()]).transform((v) => Number(v));

export const ProfileRow = z.object({
  dataset_id: z.string(),
  version: z.number(),
  row_count: bigint,
  column_count: z.number(),
  size_bytes: bigint,
  duplicate_rows: bigint,
  quality_score: z.number(),
  columns: ColumnsJson,
  issues: IssuesJson,
  generated_at: z.date(),
  owner_id: z.string().nullable(),
});
export type ProfileRow = z.infer<typeof ProfileRow>;

export interface ProfileKey {
  datasetId: string;
  version: number;
}

const PROFILE_COLUMNS = `dataset_id, version, row_count, column_count, size_bytes, duplicate_rows,
  quality_score, columns, issues, generated_at, owner_id`;

export function createQualityStore(pool: Pool) {
  return {
    /** The highest version of each data set that has a profile. */
    async latestByDatasetIds(datasetIds: readonly string[]): Promise<ProfileRow[]> {
      const { rows } = await pool.query(
        `SELECT DISTINCT ON (dataset_id) ${PROFILE_COLUMNS} FROM quality.profiles
          WHERE dataset_id = ANY($1::uuid[])
          ORDER BY dataset_id, version DESC`,
        [datasetIds],
      );
      return rows.map((row) => ProfileRow.parse(row));
    },

    /** Exact (data set, version) pairs, in one query. */
    async byKeys(keys: readonly ProfileKey[]): Promise<ProfileRow[]> {
      const { rows } = await pool.query(
        `SELECT ${PROFILE_COLUMNS} FROM quality.profiles
          WHERE (dataset_id, version) IN (SELECT * FROM unnest($1::uuid[], $2::int[]))`,
        [keys.map((k) => k.datasetId), keys.map((k) => k.version)],
      );
      return rows.map((row) => ProfileRow.parse(row));
    },
  };
}
export type QualityStore = ReturnType<typeof createQualityStore>;
