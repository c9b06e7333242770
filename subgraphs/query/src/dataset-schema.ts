/**
 * What the engines, the validator and the warehouse know about a data set: one table named
 * `TABLE_NAME`, its columns with the profile's types and figures, and for low-cardinality text
 * columns every distinct value (read from the warehouse), so questions can name them.
 */
export const TABLE_NAME = 'data';

/** The processor's column types (see the profile's `data_type`). */
export type ColumnType = 'integer' | 'float' | 'boolean' | 'date' | 'timestamp' | 'string';

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  nullCount: number;
  distinctCount: number;
  /** As text (numbers, ISO dates); null when the column has no value. */
  min: string | null;
  max: string | null;
  mean: number | null;
  /** Every distinct value of a low-cardinality text or boolean column, most frequent first. */
  values: string[] | null;
  /** A few distinct values of a text column with too many to list (recognising date-like text). */
  samples?: string[];
}

export interface DatasetSchema {
  datasetId: string;
  version: number;
  rowCount: number;
  columns: ColumnInfo[];
}

/** The SQL type each column has in the warehouse's table (DuckDB spelling). */
export const SQL_TYPES: Record<ColumnType, string> = {
  integer: 'BIGINT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  string: 'VARCHAR',
};

/** A SQL identifier, double-quoted when it is not a plain lower-case name (or is reserved). */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)
    ? name
    : `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal. */
export const quoteText = (value: string) => `'${value.replace(/'/g, "''")}'`;

// Keywords that cannot be a bare column name in DuckDB or Snowflake (the common ones).
const RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric both case cast check collate column
  constraint create default deferrable desc distinct do else end except false fetch for foreign
  from grant group having in initially intersect into lateral leading limit not null offset on
  only or order placing primary qualify references returning select some symmetric table then to
  trailing true union unique using variadic when where window with year month day hour minute
  second date time timestamp interval values`.split(/\s+/),
);
