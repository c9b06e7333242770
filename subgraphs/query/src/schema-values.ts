/**
 * The values the built-in engine needs to recognise in questions, read from the warehouse once
 * per data set version: every distinct value of low-cardinality text and boolean columns (most
 * frequent first) and a few sample values of the other text columns.
 */
import { TABLE_NAME, quoteIdent, type ColumnInfo } from './dataset-schema';
import type { Json } from './warehouse/warehouse';

/** Text columns with at most this many distinct values have them all listed. */
export const MAX_LISTED_VALUES = 500;
const SAMPLES = 20;

export type RunSql = (sql: string) => Promise<Json[][]>;

export async function withValues(columns: ColumnInfo[], run: RunSql): Promise<ColumnInfo[]> {
  return Promise.all(
    columns.map(async (column) => {
      if (column.type !== 'string' && column.type !== 'boolean') return column;
      const ident = quoteIdent(column.name);
      if (column.distinctCount <= MAX_LISTED_VALUES) {
        const rows = await run(
          `SELECT CAST(${ident} AS VARCHAR) AS v FROM ${TABLE_NAME} WHERE ${ident} IS NOT NULL
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${MAX_LISTED_VALUES}`,
        );
        return { ...column, values: rows.map((r) => String(r[0])) };
      }
      const rows = await run(
        `SELECT DISTINCT CAST(${ident} AS VARCHAR) AS v FROM ${TABLE_NAME}
          WHERE ${ident} IS NOT NULL ORDER BY 1 LIMIT ${SAMPLES}`,
      );
      return { ...column, samples: rows.map((r) => String(r[0])) };
    }),
  );
}
