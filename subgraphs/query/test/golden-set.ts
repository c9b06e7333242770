/**
 * The golden set (test/golden/*.json): real vega-datasets files, questions, and the SQL whose
 * result is the right answer. Each file is loaded as the table `data` in DuckDB, profiled into
 * the DatasetSchema the engines receive (types as the processor gives them), and every question
 * is scored by execution accuracy: the engine's result equals the expected result (as a multiset
 * of rows, or in order when the question orders).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  TABLE_NAME,
  quoteIdent,
  type ColumnInfo,
  type ColumnType,
  type DatasetSchema,
} from '../src/dataset-schema';
import type { Engine } from '../src/engines/engine';
import { withValues } from '../src/schema-values';
import type { Json } from '../src/warehouse/warehouse';

/** The set the engine is held to, and questions written without looking at the engine. */
export const GOLDEN_DIR = join(__dirname, 'golden');
export const HOLDOUT_DIR = join(__dirname, 'golden-holdout');
export const UNSEEN_DIR = join(__dirname, 'golden-unseen');
export const FRESH_DIR = join(__dirname, 'golden-fresh');
const DATA_DIR = join(__dirname, '..', '..', '..', 'node_modules', 'vega-datasets', 'data');

export interface GoldenQuestion {
  question: string;
  sql: string;
  ordered: boolean;
}
export interface GoldenFile {
  name: string;
  file: string;
  questions: GoldenQuestion[];
}

export function goldenFiles(dir = GOLDEN_DIR): GoldenFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      ...JSON.parse(readFileSync(join(dir, f), 'utf8')),
    }));
}

const TYPES: [RegExp, ColumnType][] = [
  [/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)$/, 'integer'],
  [/^(DOUBLE|FLOAT|DECIMAL.*)$/, 'float'],
  [/^BOOLEAN$/, 'boolean'],
  [/^DATE$/, 'date'],
  [/^TIMESTAMP.*$/, 'timestamp'],
];

async function rows(db: DuckDBConnection, sql: string): Promise<Json[][]> {
  return (await db.runAndReadAll(sql)).getRowsJson() as Json[][];
}

export async function loadGolden(
  file: GoldenFile,
): Promise<{ db: DuckDBConnection; schema: DatasetSchema }> {
  const db = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  const path = join(DATA_DIR, file.file).replace(/'/g, "''");
  const reader = file.file.endsWith('.csv') ? 'read_csv_auto' : 'read_json_auto';
  await db.run(`CREATE TABLE ${TABLE_NAME} AS SELECT * FROM ${reader}('${path}')`);
  const described = await rows(db, `SELECT column_name, column_type FROM (DESCRIBE ${TABLE_NAME})`);
  const [[total]] = (await rows(db, `SELECT count(*) FROM ${TABLE_NAME}`)) as [[string]];
  const columns: ColumnInfo[] = [];
  for (const [name, sqlType] of described as [string, string][]) {
    const type = TYPES.find(([p]) => p.test(sqlType))?.[1] ?? 'string';
    const c = quoteIdent(name);
    const mean = type === 'integer' || type === 'float' ? `avg(${c})` : 'NULL';
    const [[nulls, distinct, min, max, avg]] = (await rows(
      db,
      `SELECT count(*) - count(${c}), count(DISTINCT ${c}), CAST(min(${c}) AS VARCHAR), CAST(max(${c}) AS VARCHAR), ${mean} FROM ${TABLE_NAME}`,
    )) as [[string, string, string | null, string | null, number | null]];
    columns.push({
      name,
      type,
      nullCount: Number(nulls),
      distinctCount: Number(distinct),
      min,
      max,
      mean: avg === null ? null : Number(avg),
      values: null,
    });
  }
  const schema: DatasetSchema = {
    datasetId: '00000000-0000-4000-8000-00000000000' + (file.name.length % 10),
    version: 1,
    rowCount: Number(total),
    columns: await withValues(columns, (sql) => rows(db, sql)),
  };
  return { db, schema };
}

/** A value as compared: numbers to 9 significant digits, dates without a midnight time. */
function normal(value: Json): string {
  if (value === null) return 'null';
  const text = String(value);
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) return String(Number(Number(text).toPrecision(9)));
  return text.replace(/^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?(Z|\+00(:00)?)?$/, '$1');
}

export function sameResult(expected: Json[][], actual: Json[][], ordered: boolean): boolean {
  if (expected.length !== actual.length) return false;
  const key = (row: Json[]) => JSON.stringify(row.map(normal));
  const a = expected.map(key);
  const b = actual.map(key);
  if (!ordered) {
    a.sort();
    b.sort();
  }
  return a.every((row, i) => row === b[i]);
}

export interface GoldenOutcome {
  file: string;
  question: string;
  ok: boolean;
  sql: string | null;
  problem: string | null;
}

export async function scoreGolden(engine: Engine, dir = GOLDEN_DIR): Promise<GoldenOutcome[]> {
  const outcomes: GoldenOutcome[] = [];
  for (const file of goldenFiles(dir)) {
    const { db, schema } = await loadGolden(file);
    try {
      for (const q of file.questions) {
        const expected = await rows(db, q.sql);
        const generated = await engine.generate({
          question: q.question,
          schema,
          dialect: 'duckdb',
          examples: [],
        });
        if (generated.kind !== 'sql') {
          outcomes.push({
            file: file.name,
            question: q.question,
            ok: false,
            sql: null,
            problem: generated.reason,
          });
          continue;
        }
        try {
          const actual = await rows(db, generated.sql);
          const ok = sameResult(expected, actual, q.ordered);
          outcomes.push({
            file: file.name,
            question: q.question,
            ok,
            sql: generated.sql,
            problem: ok
              ? null
              : `got ${JSON.stringify(actual.slice(0, 3))}, expected ${JSON.stringify(expected.slice(0, 3))}`,
          });
        } catch (error) {
          outcomes.push({
            file: file.name,
            question: q.question,
            ok: false,
            sql: generated.sql,
            problem: String(error),
          });
        }
      }
    } finally {
      db.closeSync();
    }
  }
  return outcomes;
}
