/**
 * A result as the page shows it: which columns hold numbers (right-aligned, formatted), the text
 * of each cell, and the suggested chart with the rows as its data. Pure: columns and rows in.
 */
import { formatCount, formatNumber } from '../../format';
import type { Json } from '../../schema-types';
import type { ChartSpec } from '../datasets/profile/profile-charts';
import type { Answer, ResultColumn } from './ask-operations';

/** Warehouse type names of numbers (DuckDB's and Snowflake's), with or without precision. */
const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT2|INT4|INT8|FLOAT|FLOAT4|FLOAT8|REAL|DOUBLE|DECIMAL|NUMERIC|NUMBER|FIXED)\b\s*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/i;

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function isNumericType(type: string): boolean {
  return NUMERIC_TYPE.test(type.trim());
}

/** Cells of a row; anything that is not an array (never sent by the platform) has none. */
function cellsOf(row: Json): readonly Json[] {
  return Array.isArray(row) ? row : [];
}

/**
 * A cell as text: numbers formatted in the reader's locale (big integers arrive as text and stay
 * exact), dates and text as sent, lists and structs as JSON. Null is empty (the table marks it).
 */
export function cellText(value: Json | undefined, numeric: boolean, locale?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value, locale);
  if (typeof value === 'string') return numeric ? formatNumber(value, locale) : value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/**
 * The rows as Vega-Lite data: one object per row keyed by column name. Numbers the warehouse sent
 * as text (BIGINT, DECIMAL, HUGEINT) become numbers, so quantitative encodings can scale them.
 */
export function chartValues(
  columns: readonly ResultColumn[],
  rows: readonly Json[],
): Array<Record<string, Json>> {
  const numeric = columns.map((column) => isNumericType(column.type));
  return rows.map((row) => {
    const cells = cellsOf(row);
    const value: Record<string, Json> = {};
    columns.forEach((column, i) => {
      const cell = cells[i] ?? null;
      value[column.name] =
        numeric[i] && typeof cell === 'string' && NUMERIC_TEXT.test(cell.trim())
          ? Number(cell)
          : cell;
    });
    return value;
  });
}

const isSpec = (chart: Json | null): chart is { [key: string]: Json } =>
  typeof chart === 'object' && chart !== null && !Array.isArray(chart);

/**
 * The answer's chart (a Vega-Lite spec over the result's column names, without data) with the rows
 * as its data; null when there is no chart or nothing to draw. The spec is copied: the cache's
 * objects are shared (and frozen in development), Vega may annotate what it is given.
 */
export function chartSpec(
  chart: Json | null,
  columns: readonly ResultColumn[],
  rows: readonly Json[],
  description: string,
): ChartSpec | null {
  if (!isSpec(chart) || rows.length === 0 || columns.length === 0) return null;
  const spec = structuredClone(chart);
  return {
    ...spec,
    description: typeof spec.description === 'string' ? spec.description : description,
    data: { values: chartValues(columns, rows) },
  };
}

/** Each row's cells in column order, padded to the columns (a short row shows empty cells). */
export function rowCells(row: Json, width: number): Json[] {
  const cells = cellsOf(row);
  return Array.from({ length: width }, (_, i) => cells[i] ?? null);
}

/**
 * What the answer region announces when an answer arrives: one short sentence (screen readers
 * then read on through the explanation, table and chart as they wish).
 */
export function answerSummary(
  answer: Pick<Answer, 'status' | 'reason' | 'understoodAs' | 'rowCount' | 'truncated'>,
  locale?: string,
): string {
  if (answer.status === 'CANNOT_ANSWER') {
    const reason = (answer.reason ?? 'no reason was given').replace(/[.\s]+$/, '');
    return `The question cannot be answered: ${reason}.`;
  }
  const rows = formatCount(answer.rowCount, locale) ?? String(answer.rowCount);
  const noun = answer.rowCount === 1 ? 'row' : 'rows';
  const understood = answer.understoodAs ? ` Understood as: ${answer.understoodAs}.` : '';
  return answer.truncated
    ? `Answered: showing the first ${rows} ${noun}.${understood}`
    : `Answered with ${rows} ${noun}.${understood}`;
}
