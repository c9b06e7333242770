/**
 * How the built-in engine understood a question: what to compute, over which rows, grouped how,
 * in which order. SQL, the explanation, the chart and follow-ups are all derived from it.
 */
import type { IndexedColumn } from './schema-index';
import type { Aggregate, Bucket, Comparison, Direction } from './vocabulary';

export type Filter =
  | { kind: 'compare'; column: IndexedColumn; op: Comparison; value: number }
  | { kind: 'in'; column: IndexedColumn; values: string[]; negated: boolean }
  | { kind: 'between'; column: IndexedColumn; low: number; high: number }
  | { kind: 'contains'; column: IndexedColumn; text: string; negated: boolean }
  /** year(column) in [from, to]; on an integer year column, the column itself. */
  | { kind: 'years'; column: IndexedColumn; from: number; to: number }
  /** column in [from, to) — ISO dates. */
  | { kind: 'dates'; column: IndexedColumn; from: string; to: string; label: string };

export interface Measure {
  agg: Aggregate;
  /** Null: rows (count(*)). */
  column: IndexedColumn | null;
  /** Percentage of the total across groups (a window over the grouped rows). */
  share?: boolean;
  /** Percentage of rows for which these hold (among the filtered rows). */
  condition?: Filter[];
  /** Rows counted already: counting means adding up this column (see SchemaIndex.countColumn). */
  weight?: IndexedColumn;
}

export interface Group {
  column: IndexedColumn;
  bucket: Bucket | null;
}

export interface Plan {
  /** Aggregated answer (measures, maybe groups) or a listing of rows (`list`). */
  measures: Measure[];
  groups: Group[];
  /** Rows themselves, no aggregation: these columns. */
  list: IndexedColumn[] | null;
  filters: Filter[];
  /** Sort by a measure (index into `measures`), a group, or a listed column. */
  order: { by: 'measure' | 'group' | 'list'; index: number; direction: Direction } | null;
  limit: number | null;
}

export const emptyPlan = (): Plan => ({
  measures: [],
  groups: [],
  list: null,
  filters: [],
  order: null,
  limit: null,
});
