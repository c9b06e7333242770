/**
 * The figures of a profile computed independently by DuckDB over a Parquet file: what the
 * differential tests compare the processor's profile with.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnJson } from './processor-harness';

export interface DuckColumn {
  nulls: number;
  uniques: number;
  min: string | number | boolean | null;
  max: string | number | boolean | null;
  mean: number | null;
  stdDev: number | null;
}

export async function openDuckDb(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  return instance.connect();
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const path = (file: string) => `'${file.replace(/'/g, "''")}'`;

async function one(db: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  const reader = await db.runAndReadAll(sql);
  return reader.getRowObjectsJson()[0] as Record<string, unknown>;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Rows, exact duplicate rows and the per-column figures of `file`, typed as the profile says. */
export async function duckProfile(db: DuckDBConnection, file: string, columns: ColumnJson[]) {
  const table = `read_parquet(${path(file)})`;
  const totals = await one(
    db,
    `SELECT count(*) AS n, count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM ${table})) AS dups FROM ${table}`,
  );
  const result: Record<string, DuckColumn> = {};
  for (const column of columns) {
    const c = quote(column.name);
    const numeric = column.data_type === 'integer' || column.data_type === 'float';
    const extremes =
      column.data_type === 'date'
        ? `strftime(min(${c}), '%Y-%m-%d') AS mn, strftime(max(${c}), '%Y-%m-%d') AS mx`
        : column.data_type === 'timestamp'
          ? `NULL AS mn, NULL AS mx`
          : `min(${c}) AS mn, max(${c}) AS mx`;
    const row = await one(
      db,
      `SELECT count(*) - count(${c}) AS nulls, count(DISTINCT ${c}) AS uniques, ${extremes},
              ${numeric ? `avg(${c})::DOUBLE AS mean, stddev_samp(${c})::DOUBLE AS sd` : 'NULL AS mean, NULL AS sd'}
         FROM ${table}`,
    );
    result[column.name] = {
      nulls: Number(row.nulls),
      uniques: Number(row.uniques),
      min: numeric ? num(row.mn) : (row.mn as string | boolean | null),
      max: numeric ? num(row.mx) : (row.mx as string | boolean | null),
      mean: num(row.mean),
      stdDev: num(row.sd),
    };
  }
  return { rows: Number(totals.n), duplicates: Number(totals.dups), columns: result };
}

/** Equal within `relative` of the larger magnitude (exact for zero). */
export function close(a: number | null, b: number | null, relative = 1e-9): boolean {
  if (a === null || b === null) return a === b;
  if (a === b) return true;
  return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Every difference between the processor's profile and DuckDB's figures, as readable lines
 * (empty when they agree): exact for counts, nulls, uniques, duplicates, min and max; 1e-9
 * relative for mean and standard deviation.
 */
export function differences(
  profile: { row_count: string; duplicate_rows: string; columns: ColumnJson[] },
  duck: Awaited<ReturnType<typeof duckProfile>>,
): string[] {
  const out: string[] = [];
  if (Number(profile.row_count) !== duck.rows)
    out.push(`rows ${profile.row_count} vs ${duck.rows}`);
  if (Number(profile.duplicate_rows) !== duck.duplicates)
    out.push(`duplicates ${profile.duplicate_rows} vs ${duck.duplicates}`);
  for (const column of profile.columns) {
    const d = duck.columns[column.name];
    if (!d) {
      out.push(`${column.name}: not in DuckDB's reading`);
      continue;
    }
    const numeric = column.data_type === 'integer' || column.data_type === 'float';
    const same = (what: string, ours: unknown, theirs: unknown) => {
      if (ours !== theirs) out.push(`${column.name} ${what}: ${String(ours)} vs ${String(theirs)}`);
    };
    same('nulls', column.null_count, d.nulls);
    same('uniques', column.unique_count, d.uniques);
    if (column.data_type !== 'timestamp') {
      same('min', numeric ? num(column.min_value) : column.min_value, d.min);
      same('max', numeric ? num(column.max_value) : column.max_value, d.max);
    }
    if (numeric) {
      if (!close(column.mean, d.mean)) out.push(`${column.name} mean: ${column.mean} vs ${d.mean}`);
      if (!close(column.std_dev, d.stdDev))
        out.push(`${column.name} std_dev: ${column.std_dev} vs ${d.stdDev}`);
    }
  }
  return out;
}
