/**
 * What an importFromDatabase request may contain, checked before any connection is opened: where
 * to connect (a host name or IP address, never a URL or a socket path), names within PostgreSQL's
 * limits, the data set's name, and a query that is one read-only SELECT.
 *
 * The query check reads the text without a SQL parser (none is installed): comments, string
 * literals, quoted identifiers and dollar-quoted bodies are blanked, then it must be exactly one
 * statement starting with SELECT or WITH, with no SELECT ... INTO, no data-modifying WITH and no
 * row locks. It is the first of three guards: the source checks EXPLAIN's plan for writes and
 * locks (source-database.ts), and every statement runs in a READ ONLY transaction.
 */
import { isIP } from 'node:net';
import { badInput } from '@platform/runtime';

export interface DatabaseConnectionInput {
  host: string;
  port?: number | null;
  database: string;
  user: string;
  password: string;
  ssl?: boolean | null;
}

export interface SourceConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  ssl: boolean;
}

export const DEFAULT_PORT = 5432;
/** PostgreSQL's identifier limit (NAMEDATALEN - 1). */
const MAX_NAME_BYTES = 63;
const MAX_PASSWORD_CHARS = 1024;
export const MAX_QUERY_CHARS = 100_000;

/** C0, DEL and C1 control characters. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

export function checkHost(value: string): string {
  const host = value.trim();
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return bare;
  if (host.length > 0 && host.length <= 253 && HOSTNAME.test(host)) return host.toLowerCase();
  throw badInput('The host must be a host name or an IP address (no URL, port or path).', {
    field: 'connection.host',
  });
}

export function checkPort(value: number | null | undefined): number {
  const port = value ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw badInput('The port must be a whole number from 1 to 65535.', {
      field: 'connection.port',
    });
  }
  return port;
}

/** A database or user name: 1-63 bytes of UTF-8 without control characters, kept as given. */
function checkName(value: string, field: 'database' | 'user', what: string): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (value.trim().length === 0 || bytes > MAX_NAME_BYTES || CONTROL.test(value)) {
    throw badInput(`The ${what} must be 1 to 63 bytes, without control characters.`, {
      field: `connection.${field}`,
    });
  }
  return value;
}

/** Never echoes the password, not even in part. */
function checkPassword(value: string): string {
  if (value.length === 0 || value.length > MAX_PASSWORD_CHARS || value.includes('\u0000')) {
    throw badInput(
      `The password must be 1 to ${MAX_PASSWORD_CHARS} characters, without NUL characters.`,
      { field: 'connection.password' },
    );
  }
  return value;
}

export function checkConnection(input: DatabaseConnectionInput): SourceConnection {
  return {
    host: checkHost(input.host),
    port: checkPort(input.port),
    database: checkName(input.database, 'database', 'database name'),
    user: checkName(input.user, 'user', 'user name'),
    password: checkPassword(input.password),
    ssl: input.ssl ?? false,
  };
}

/** The data set's name: the one given, or "<database> query". */
export function importName(name: string | null | undefined, database: string): string {
  const value = (name ?? `${database} query`).normalize('NFC').trim();
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes === 0 || bytes > 255 || CONTROL.test(value)) {
    throw badInput('The name must be 1 to 255 bytes, without control characters.', {
      field: 'name',
    });
  }
  return value;
}

/**
 * The query with comments removed and every string literal, quoted identifier and dollar-quoted
 * body replaced by a placeholder, so that what is left is keywords, names, numbers and
 * punctuation. Undefined when a quote or comment is not closed.
 */
export function sqlSkeleton(sql: string): string | undefined {
  let out = '';
  let i = 0;
  const wordChar = (c: string | undefined) =>
    c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
      out += ' ';
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        const pair = sql.slice(i, i + 2);
        // Comments nest in PostgreSQL.
        depth += pair === '/*' ? 1 : pair === '*/' ? -1 : 0;
        i += pair === '/*' || pair === '*/' ? 2 : 1;
      }
      if (depth > 0) return undefined;
      out += ' ';
    } else if (c === "'") {
      // E'...' strings take backslash escapes; standard strings only the doubled quote.
      const escapes = /[eE]/.test(out.slice(-1)) && !wordChar(out.slice(-2, -1));
      i += 1;
      for (;;) {
        if (i >= sql.length) return undefined;
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i += 1;
      }
      i += 1;
      out += "''";
    } else if (c === '"') {
      i += 1;
      for (;;) {
        if (i >= sql.length) return undefined;
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i += 1;
      }
      i += 1;
      out += '"_"';
    } else if (c === '$' && !wordChar(out.slice(-1))) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i));
      if (!tag) {
        out += c;
        i += 1;
        continue;
      }
      const end = sql.indexOf(tag[0], i + tag[0].length);
      if (end < 0) return undefined;
      i = end + tag[0].length;
      out += "''";
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The query, checked as described at the top (sent as one statement of the extended protocol). */
export function checkQuery(query: string): string {
  const refuse = (message: string) => badInput(message, { field: 'query' });
  if (query.length > MAX_QUERY_CHARS) {
    throw refuse(`The query is longer than ${MAX_QUERY_CHARS.toLocaleString('en')} characters.`);
  }
  const skeleton = sqlSkeleton(query);
  if (skeleton === undefined) throw refuse('The query has a quote or comment that is not closed.');
  const statements = skeleton.split(';').filter((part) => part.trim().length > 0);
  if (statements.length === 0) throw refuse('The query is empty.');
  if (statements.length > 1) {
    throw refuse(`Send one SELECT statement; the query has ${statements.length}.`);
  }
  // Words, numbers and single punctuation marks, so that "x FOR 3), update" is not "FOR UPDATE".
  const words =
    statements[0]!.toUpperCase().match(/[A-Z_][A-Z0-9_$]*|[0-9.]+|[^\sA-Z0-9_$]/g) ?? [];
  const first = words.find((w) => w !== '(');
  if (first !== 'SELECT' && first !== 'WITH') {
    throw refuse(
      `Only a SELECT (or WITH ... SELECT) can be imported; this query starts with ${first ?? 'no keyword'}.`,
    );
  }
  const text = ` ${words.join(' ')} `;
  if (/ INTO /.test(text)) {
    throw refuse('The query writes (INTO): import with a plain SELECT.');
  }
  if (/ AS (NOT )?(MATERIALIZED )?\( (INSERT|UPDATE|DELETE|MERGE) /.test(text)) {
    throw refuse('The query changes data (in its WITH clause): use a plain SELECT.');
  }
  if (/ FOR (UPDATE|SHARE|NO KEY UPDATE|KEY SHARE) /.test(text)) {
    throw refuse('The query locks rows (FOR UPDATE or FOR SHARE): use a plain SELECT.');
  }
  return query.trim();
}
