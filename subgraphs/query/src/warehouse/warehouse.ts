/**
 * Where validated SQL runs: DuckDB embedded (the default) or Snowflake, behind one interface.
 * The caller has validated the SQL; the warehouse caps the rows, enforces the statement timeout
 * and reports failures as `WarehouseError`s with a stable reason.
 */
export interface DatasetVersion {
  datasetId: string;
  version: number;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface ResultColumn {
  name: string;
  /** The warehouse's type name, e.g. `BIGINT`, `DOUBLE`, `VARCHAR`, `DATE`. */
  type: string;
}

export interface QueryResult {
  columns: ResultColumn[];
  /** Row-major, JSON values (dates as ISO text, big integers as text beyond 2^53). */
  rows: Json[][];
  /** More rows matched than `maxRows`; only the first `maxRows` are here. */
  truncated: boolean;
  executionMs: number;
}

export interface RunOptions {
  maxRows: number;
  timeoutMs: number;
}

export interface Warehouse {
  readonly name: 'duckdb' | 'snowflake';
  run(dataset: DatasetVersion, sql: string, options: RunOptions): Promise<QueryResult>;
  /** Drops what is held for a deleted data set (every version); harmless when there is none. */
  forget?(datasetId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Why a run failed: the SQL's own fault at run time (`QUERY_FAILED`, e.g. a failed cast), over
 * the time limit (`TIMEOUT`), or the warehouse or its storage unavailable (`UNAVAILABLE`).
 */
export class WarehouseError extends Error {
  constructor(
    readonly reason: 'QUERY_FAILED' | 'TIMEOUT' | 'UNAVAILABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}

/** The SQL the warehouse runs for a validated statement: at most `maxRows + 1` rows. */
export const capped = (sql: string, maxRows: number) =>
  `SELECT * FROM (\n${sql}\n) AS answer LIMIT ${maxRows + 1}`;
