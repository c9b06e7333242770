/**
 * Checks SQL before Snowflake runs it (Properties 13-15): the same contract as the DuckDB
 * validator, for the Snowflake dialect, with `node-sql-parser`'s Snowflake grammar. The text must
 * be exactly one read-only `SELECT` (or `WITH ... SELECT`) that reads only the data set's table
 * `data` (or the statement's own CTEs): no stage (`@stage`), no table function (`TABLE(...)`,
 * `FLATTEN`, `IDENTIFIER(...)`), no `SYSTEM$...`, context (`CURRENT_ROLE()`...), file, AI or DDL
 * function, no session variable or bind parameter, and every column it names exists in the data
 * set (case-insensitively, as Snowflake resolves them in the warehouse's sessions) or is an alias
 * the statement defines.
 *
 * Unlike DuckDB there is no catalogue to bind against here, so a misspelt function passes and is
 * reported by Snowflake when it runs (`QUERY_FAILED`, with its message). The grammar does not
 * cover all of Snowflake (e.g. `LISTAGG ... WITHIN GROUP`, `RLIKE`, `SAMPLE`, `NATURAL JOIN`):
 * such SQL is refused with a syntax error rather than let through unchecked.
 *
 * The lexer below is shared with the Snowflake warehouse, which uses it to find a leading `WITH`
 * and the identifiers a statement spells.
 */
import { Parser } from 'node-sql-parser/build/snowflake';
import { TABLE_NAME, quoteIdent, type DatasetSchema } from '../dataset-schema';
import type { SqlCheck, SqlValidator } from './duckdb-validator';

/** The same bound as the DuckDB validator's. */
const MAX_CHARS = 20_000;

// ---------------------------------------------------------------------------------------------
// Lexer

export interface SqlToken {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'comment' | 'space' | 'symbol';
  /** The token's text as written (a quoted identifier's is unquoted, `""` made `"`). */
  text: string;
  start: number;
  end: number;
}

/**
 * Snowflake's tokens, enough to split statements and find words: `'...'` strings (with `''` and
 * backslash escapes), `$$...$$` strings, `"..."` identifiers, `--`, `//` and `/* *\/` comments.
 * An unterminated string or comment runs to the end (the parser reports it).
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const push = (kind: SqlToken['kind'], start: number, end: number, text = sql.slice(start, end)) =>
    tokens.push({ kind, text, start, end });
  while (i < sql.length) {
    const start = i;
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i]!)) i += 1;
      push('space', start, i);
    } else if ((c === '-' && next === '-') || (c === '/' && next === '/')) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline;
      push('comment', start, i);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
      push('comment', start, i);
    } else if (c === "'") {
      i += 1;
      while (i < sql.length) {
        if (sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i += 1;
      }
      i = Math.min(i + 1, sql.length);
      push('string', start, i);
    } else if (c === '$' && next === '$') {
      const close = sql.indexOf('$$', i + 2);
      i = close === -1 ? sql.length : close + 2;
      push('string', start, i);
    } else if (c === '"') {
      i += 1;
      let name = '';
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') {
          name += '"';
          i += 2;
        } else if (sql[i] === '"') break;
        else {
          name += sql[i];
          i += 1;
        }
      }
      i = Math.min(i + 1, sql.length);
      push('quoted', start, i, name);
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i]!)) i += 1;
      push('word', start, i);
    } else if (/[0-9]/.test(c)) {
      while (i < sql.length && /[0-9.eE]/.test(sql[i]!)) i += 1;
      push('number', start, i);
    } else {
      i += 1;
      push('symbol', start, i);
    }
  }
  return tokens;
}

/** The tokens that mean something (no spaces, no comments). */
export const significant = (tokens: SqlToken[]) =>
  tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');

// ---------------------------------------------------------------------------------------------
// Rules

// Statements the grammar may not know, named in the refusal instead of a syntax error.
const STATEMENT_KEYWORDS = new Set(
  `alter begin call comment commit copy create delete desc describe drop execute explain get grant
  insert list ls merge put remove revoke rm rollback set show start truncate undrop unset update
  use`.split(/\s+/),
);

// Functions that read outside the data set (session, account, stages, files, other queries),
// change state, wait, or call a model; compared in upper case.
const DENIED_FUNCTIONS = new Set(
  `ALL_USER_NAMES BUILD_SCOPED_FILE_URL BUILD_STAGE_FILE_URL CLASSIFY_TEXT COMPLETE COUNT_TOKENS
  EMBED_TEXT_1024 EMBED_TEXT_768 ENTITY_SENTIMENT EXTRACT_ANSWER EXTRACT_SEMANTIC_CATEGORIES
  GENERATE_COLUMN_DESCRIPTION GETVARIABLE GET_ABSOLUTE_PATH GET_DDL GET_PRESIGNED_URL
  GET_QUERY_OPERATOR_STATS GET_RELATIVE_PATH GET_STAGE_LOCATION IDENTIFIER INFER_SCHEMA
  INVOKER_ROLE INVOKER_SHARE IS_GRANTED_TO_INVOKER_ROLE LAST_QUERY_ID LAST_TRANSACTION
  PARSE_DOCUMENT POLICY_CONTEXT RESULT_SCAN SENTIMENT SPLIT_TEXT_RECURSIVE_CHARACTER SUMMARIZE
  TABLE TO_FILE TRY_TO_FILE`.split(/\s+/),
);
const ALLOWED_CURRENT = new Set(['CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP']);

function deniedFunction(name: string): boolean {
  const upper = name.toUpperCase();
  if (DENIED_FUNCTIONS.has(upper)) return true;
  if (upper.startsWith('SYSTEM$') || upper.startsWith('AI_') || upper.startsWith('FL_')) {
    return true;
  }
  if (upper.startsWith('CURRENT_')) return !ALLOWED_CURRENT.has(upper);
  return upper.startsWith('IS_') && upper.endsWith('_IN_SESSION');
}

// Date and time parts, which Snowflake takes as bare words (`DATEADD(day, 1, d)`,
// `DATE_TRUNC(month, d)`) and the grammar reads as column names.
const DATE_PARTS = new Set(
  `year years y yy yyy yyyy yr yrs month months mm mon mons quarter quarters q qtr qtrs week weeks
  w wk weekofyear woy wy weekiso week_iso weekofyeariso weekofyear_iso day days d dd dayofmonth
  dayofweek weekday dow dw dayofweekiso weekday_iso dow_iso dw_iso dayofyear yearday doy dy
  yearofweek yearofweekiso hour hours h hh hr hrs minute minutes m mi min mins second seconds s
  sec secs millisecond milliseconds ms msec microsecond microseconds us usec nanosecond
  nanoseconds ns nsec nanosec epoch_second epoch_seconds epoch_millisecond epoch_milliseconds
  epoch_microsecond epoch_microseconds epoch_nanosecond epoch_nanoseconds timezone_hour tzh
  timezone_minute tzm`.split(/\s+/),
);

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function walk(value: unknown, fn: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, fn);
  } else if (isNode(value)) {
    fn(value);
    for (const [key, child] of Object.entries(value)) {
      // The parser's own summaries of a subquery, not part of the tree.
      if (key !== 'tableList' && key !== 'columnList') walk(child, fn);
    }
  }
}

/** A function node's name as written (`a.b` when qualified). */
function functionName(node: Node): string {
  if (typeof node.name === 'string') return node.name;
  if (isNode(node.name) && Array.isArray(node.name.name)) {
    const parts = node.name.name.map((part) => (isNode(part) ? text(part.value) : ''));
    const schema = text(node.name.schema);
    return [schema, ...parts].filter(Boolean).join('.');
  }
  return '';
}

/** A column reference's column name (for `t.col:path`, the column before the path). */
function columnName(node: Node): string {
  const column =
    isNode(node.column) && isNode(node.column.expr) ? node.column.expr.value : node.column;
  if (Array.isArray(node.notations) && node.notations.includes(':')) {
    // `a.b:c` arrives as schema a, table b, column c; `b:c` as table b, column c.
    const colon = node.notations.indexOf(':');
    const parts = [node.schema, node.table, column].map(text).filter(Boolean);
    return parts[parts.length - node.notations.length - 1 + colon] ?? text(column);
  }
  return text(column);
}

interface Scope {
  ctes: Set<string>;
  aliases: Set<string>;
}

/** The names a statement defines: its CTEs and every column alias (select items, CTE lists). */
function scopeOf(tree: unknown): Scope {
  const scope: Scope = { ctes: new Set(), aliases: new Set() };
  walk(tree, (node) => {
    if (Array.isArray(node.with)) {
      for (const cte of node.with) {
        if (!isNode(cte)) continue;
        const name = isNode(cte.name) ? text(cte.name.value) : text(cte.name);
        if (name) scope.ctes.add(name.toLowerCase());
        if (Array.isArray(cte.columns)) {
          for (const column of cte.columns) {
            const alias = isNode(column) ? columnName(column) || text(column.value) : text(column);
            if (alias) scope.aliases.add(alias.toLowerCase());
          }
        }
      }
    }
    if (node.type === 'select' && Array.isArray(node.columns)) {
      for (const item of node.columns) {
        if (!isNode(item)) continue;
        const alias = isNode(item.as) ? text(item.as.value) : text(item.as);
        if (alias) scope.aliases.add(alias.toLowerCase());
      }
    }
  });
  return scope;
}

function fromItemProblem(item: Node, scope: Scope): string | null {
  if (item.prefix === '@' || item.type === 'var') {
    return `Stages (\`@${text(item.name) || text(item.table)}\`) cannot be read; only the table \`${TABLE_NAME}\` can.`;
  }
  if (typeof item.table === 'string') {
    const qualified = [item.catalog, item.schema, item.db, item.table]
      .map(text)
      .filter((part, index, all) => part && all.indexOf(part) === index)
      .join('.');
    const name = item.table.toLowerCase();
    const unqualified = !text(item.db) && !text(item.schema) && !text(item.catalog);
    if (unqualified && (name === TABLE_NAME || scope.ctes.has(name))) return null;
    return `Only the data set's table \`${TABLE_NAME}\` can be read; \`${qualified}\` is not it.`;
  }
  const expr = item.expr;
  if (isNode(expr)) {
    if (isNode(expr.ast) || expr.type === 'values') return null; // walked as part of the tree
    const fn = functionName(expr);
    if (fn) {
      return `Table functions such as \`${fn.toUpperCase()}(...)\` cannot be used; only the table \`${TABLE_NAME}\` can be read.`;
    }
  }
  return `Only the data set's table \`${TABLE_NAME}\` can be read.`;
}

function check(tree: Node, schema: DatasetSchema): string[] {
  const scope = scopeOf(tree);
  const columns = new Set(schema.columns.map((c) => c.name.toLowerCase()));
  const problems = new Set<string>();
  const unknownColumns = new Set<string>();
  // Table functions, already refused as such: not judged again as functions (their arguments
  // still are).
  const tableFunctions = new WeakSet<Node>();

  if (scope.ctes.has(TABLE_NAME)) {
    problems.add(`A CTE cannot be named \`${TABLE_NAME}\`: that is the data set's table.`);
  }
  const checkColumn = (name: string) => {
    const lower = name.toLowerCase();
    if (!name || name === '*' || columns.has(lower) || scope.aliases.has(lower)) return;
    if (DATE_PARTS.has(lower)) return;
    unknownColumns.add(name);
  };

  walk(tree, (node) => {
    if (node.type === 'select') {
      if (isNode(node.into) && (node.into.expr || node.into.position)) {
        problems.add('SELECT ... INTO is not allowed: only a read-only SELECT may run.');
      }
      if (Array.isArray(node.from)) {
        for (const item of node.from) {
          if (!isNode(item)) continue;
          const problem = fromItemProblem(item, scope);
          if (problem) problems.add(problem);
          if (isNode(item.expr)) tableFunctions.add(item.expr);
        }
      }
    }
    switch (node.type) {
      case 'function':
      case 'aggr_func':
      case 'window_func':
      case 'flatten': {
        if (tableFunctions.has(node)) break;
        const name = functionName(node);
        if (name.includes('.')) {
          problems.add(`Function \`${name}\` is not allowed: call functions without a schema.`);
        } else if (node.type === 'flatten' || deniedFunction(name)) {
          problems.add(`Function \`${name.toUpperCase()}\` is not allowed here.`);
        }
        break;
      }
      case 'column_ref':
        checkColumn(columnName(node));
        break;
      case 'double_quote_string':
        // In Snowflake a double-quoted name is always an identifier.
        checkColumn(text(node.value));
        break;
      case 'var':
        // (`$$...$$` arrives as a var with the prefix `$$`: a string.)
        if (node.prefix === '$') {
          problems.add(
            'Session variables and positional columns ($1, $name) are not available: name the columns of `data`.',
          );
        }
        break;
      case 'param':
        problems.add('Parameters (?, :1) are not supported: write the values into the SQL.');
        break;
      default:
        break;
    }
  });

  if (unknownColumns.size > 0) {
    const names = [...unknownColumns].map((n) => `"${n}"`).join(', ');
    const known = schema.columns.map((c) => quoteIdent(c.name));
    const listed = known.length > 30 ? `${known.slice(0, 30).join(', ')}, ...` : known.join(', ');
    problems.add(
      `${unknownColumns.size === 1 ? 'Column' : 'Columns'} ${names} ${unknownColumns.size === 1 ? 'is' : 'are'} not in the data set; its columns are ${listed}.`,
    );
  }
  return [...problems];
}

function syntaxError(sql: string, error: unknown): string {
  if (error instanceof RangeError) return 'The SQL is nested too deeply to check.';
  const location = isNode(error) && isNode(error.location) ? error.location : null;
  const start = location && isNode(location.start) ? location.start : null;
  const offset = typeof start?.offset === 'number' ? start.offset : null;
  if (offset === null) return 'Syntax error: the SQL could not be parsed.';
  const rest = sql.slice(offset).split('\n')[0]!.trim();
  const near = rest
    ? `near "${rest.length > 30 ? `${rest.slice(0, 30)}...` : rest}"`
    : 'at the end';
  return `Syntax error ${near} (line ${String(start!.line)}, column ${String(start!.column)}).`;
}

const invalid = (error: string): SqlCheck => ({ valid: false, errors: [error] });

/** A statement's count, splitting on `;` outside strings, identifiers and comments. */
function countStatements(tokens: SqlToken[]): number {
  let count = 0;
  let content = false;
  for (const token of significant(tokens)) {
    if (token.kind === 'symbol' && token.text === ';') {
      if (content) count += 1;
      content = false;
    } else {
      content = true;
    }
  }
  return count + (content ? 1 : 0);
}

export function createSnowflakeValidator(): SqlValidator {
  const parser = new Parser();
  return {
    validate(input, schema) {
      const sql = input.trim().replace(/[\s;]+$/, '');
      if (sql.length === 0) return Promise.resolve(invalid('The SQL is empty.'));
      if (sql.length > MAX_CHARS) {
        return Promise.resolve(
          invalid(`The SQL is ${sql.length} characters long; at most ${MAX_CHARS}.`),
        );
      }
      const tokens = tokenizeSql(sql);
      const count = countStatements(tokens);
      if (count !== 1) {
        return Promise.resolve(invalid(`Exactly one statement may run; this SQL has ${count}.`));
      }
      const first = significant(tokens)[0];
      const keyword = first?.kind === 'word' ? first.text.toUpperCase() : '';
      const notSelect = (what: string) => {
        const article = /^[AEIOU]/.test(what) && !/^US/.test(what) ? 'an' : 'a';
        return invalid(
          `Only a read-only SELECT (or WITH ... SELECT) may run; this is ${article} ${what} statement.`,
        );
      };
      if (significant(tokens).some((t) => t.kind === 'symbol' && t.text === '?')) {
        return Promise.resolve(
          invalid('Parameters (?, :1) are not supported: write the values into the SQL.'),
        );
      }
      let tree: unknown;
      try {
        tree = parser.astify(sql, { database: 'snowflake' });
      } catch (error) {
        if (STATEMENT_KEYWORDS.has(keyword.toLowerCase()))
          return Promise.resolve(notSelect(keyword));
        return Promise.resolve(invalid(syntaxError(sql, error)));
      }
      const statements = Array.isArray(tree) ? tree : [tree];
      if (statements.length !== 1) {
        return Promise.resolve(
          invalid(`Exactly one statement may run; this SQL has ${statements.length}.`),
        );
      }
      const statement = statements[0];
      if (!isNode(statement) || statement.type !== 'select') {
        const type = isNode(statement) ? text(statement.type).toUpperCase() : '';
        return Promise.resolve(notSelect(type || keyword || 'non-SELECT'));
      }
      const errors = check(statement, schema);
      return Promise.resolve(errors.length === 0 ? { valid: true, sql } : { valid: false, errors });
    },
    close() {},
  };
}
