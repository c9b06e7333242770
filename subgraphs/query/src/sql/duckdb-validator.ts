/**
 * Checks SQL before anything runs it (Properties 13-15), with DuckDB's own parser and binder: the
 * text must be exactly one read-only `SELECT` (or `WITH ... SELECT`) that reads only the data
 * set's table, calls no function that reads files, the network, settings or variables, and binds
 * against the data set's columns. The parser runs in a private in-memory DuckDB with external
 * access disabled and its configuration locked; it never sees the data.
 */
import { DuckDBInstance, StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { SQL_TYPES, TABLE_NAME, quoteIdent, type DatasetSchema } from '../dataset-schema';
import { cleanDuckDbMessage, firstKeyword } from './messages';
import { findViolations, type FunctionRules } from './read-only-rules';

export const MAX_SQL_CHARS = 20_000;

export type SqlCheck = { valid: true; sql: string } | { valid: false; errors: string[] };

export interface SqlValidator {
  /** `sql` is returned trimmed of whitespace and trailing semicolons when valid. */
  validate(sql: string, schema: DatasetSchema): Promise<SqlCheck>;
  close(): void;
}

// Scalar functions DuckDB has that reveal or change state outside the query.
const DENIED_SCALARS = [
  'current_setting',
  'getvariable',
  'getenv',
  'nextval',
  'currval',
  'setseed',
  'sleep_ms',
  'pg_sleep',
  'write_log',
  'json_serialize_sql',
  'json_deserialize_sql',
  'json_execute_serialized_sql',
  'parse_duckdb_log_message',
  'current_query',
  'current_query_id',
  'current_connection_id',
  'current_transaction_id',
  'txid_current',
  'pg_conf_load_time',
];
// Table functions that only generate values.
const ALLOWED_TABLE_FUNCTIONS = ['unnest', 'range', 'generate_series'];

export async function createDuckDbValidator(): Promise<SqlValidator> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '1',
    memory_limit: '64MB',
    enable_external_access: 'false',
    autoload_known_extensions: 'false',
    autoinstall_known_extensions: 'false',
    lock_configuration: 'true',
  });
  const rules = await functionRules(instance);

  return {
    async validate(text, schema) {
      const sql = text.trim().replace(/[\s;]+$/, '');
      if (sql.length === 0) return invalid('The SQL is empty.');
      if (sql.length > MAX_SQL_CHARS) {
        return invalid(`The SQL is ${sql.length} characters long; at most ${MAX_SQL_CHARS}.`);
      }
      const connection = await instance.connect();
      try {
        const errors = await check(connection, sql, schema, rules);
        return errors.length === 0 ? { valid: true, sql } : { valid: false, errors };
      } finally {
        connection.closeSync();
      }
    },
    close: () => instance.closeSync(),
  };
}

const invalid = (error: string): SqlCheck => ({ valid: false, errors: [error] });

async function check(
  connection: DuckDBConnection,
  sql: string,
  schema: DatasetSchema,
  rules: FunctionRules,
): Promise<string[]> {
  // 1. It parses, as exactly one statement.
  let count: number;
  try {
    count = (await connection.extractStatements(sql)).count;
  } catch (error) {
    return [cleanDuckDbMessage(error)];
  }
  if (count !== 1) return [`Exactly one statement may run; this SQL has ${count}.`];

  // 2. It is a SELECT: only SELECT statements serialize to a syntax tree.
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [
    sql,
  ]);
  const tree = JSON.parse(String(reader.getRowObjectsJson()[0]!.tree)) as {
    error: boolean;
    statements?: unknown[];
  };
  if (tree.error || !tree.statements) {
    const keyword = firstKeyword(sql);
    const article = /^[AEIOU]/.test(keyword) ? 'an' : 'a';
    return [
      `Only a read-only SELECT (or WITH ... SELECT) may run; this is ${article} ${keyword} statement.`,
    ];
  }

  // 3. It reads only the data set's table and calls only allowed functions.
  const violations = findViolations(tree.statements, rules);
  if (violations.length > 0) return violations;

  // 4. It binds against the data set's columns (unknown columns, wrong types...).
  const columns = schema.columns.map((c) => `${quoteIdent(c.name)} ${SQL_TYPES[c.type]}`);
  await connection.run(`CREATE TEMP TABLE ${TABLE_NAME} (${columns.join(', ')})`);
  try {
    const prepared = await connection.prepare(sql);
    const type = prepared.statementType;
    prepared.destroySync();
    if (type !== StatementType.SELECT) {
      return ['Only a read-only SELECT (or WITH ... SELECT) may run.'];
    }
  } catch (error) {
    return [cleanDuckDbMessage(error)];
  }
  return [];
}

/** Which functions the rules allow, from DuckDB's own catalogue of this version. */
async function functionRules(instance: DuckDBInstance): Promise<FunctionRules> {
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT DISTINCT function_name AS name, function_type IN ('scalar', 'aggregate', 'macro') AS computes
         FROM duckdb_functions()`,
    );
    const computing = new Set<string>();
    const other = new Set<string>();
    for (const row of reader.getRowObjectsJson()) {
      (row.computes ? computing : other).add(String(row.name).toLowerCase());
    }
    const denied = new Set(DENIED_SCALARS);
    for (const name of other) if (!computing.has(name)) denied.add(name);
    for (const name of ALLOWED_TABLE_FUNCTIONS) denied.delete(name);
    return {
      table: TABLE_NAME,
      deniedFunctions: denied,
      allowedTableFunctions: new Set(ALLOWED_TABLE_FUNCTIONS),
    };
  } finally {
    connection.closeSync();
  }
}
