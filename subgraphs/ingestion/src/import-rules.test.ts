/** The request checks of importFromDatabase: connection fields, the name, and the query text. */
import fc from 'fast-check';
import { AppError } from '@platform/runtime';
import { checkConnection, checkQuery, importName, sqlSkeleton } from './import-rules';

const valid = {
  host: '127.0.0.1',
  database: 'sales',
  user: 'reader',
  password: 'secret',
};

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
};

describe('checkConnection', () => {
  it('fills the defaults and keeps names as given', () => {
    expect(checkConnection(valid)).toEqual({ ...valid, port: 5432, ssl: false });
    expect(checkConnection({ ...valid, host: ' DB.Example.com ', port: 6543, ssl: true })).toEqual({
      ...valid,
      host: 'db.example.com',
      port: 6543,
      ssl: true,
    });
    expect(checkConnection({ ...valid, host: '[::1]' }).host).toBe('::1');
    expect(checkConnection({ ...valid, database: 'Ventes été' }).database).toBe('Ventes été');
  });

  it.each([
    ['a URL', { host: 'postgres://x' }, /host name or an IP/],
    ['a socket path', { host: '/var/run/postgresql' }, /host name or an IP/],
    ['a host with a port', { host: 'db:5432' }, /host name or an IP/],
    ['an empty host', { host: '' }, /host name or an IP/],
    ['port 0', { port: 0 }, /1 to 65535/],
    ['port 70000', { port: 70000 }, /1 to 65535/],
    [
      'a database name over 63 bytes',
      { database: 'é'.repeat(32) },
      /database name must be 1 to 63/,
    ],
    ['an empty user', { user: ' ' }, /user name must be 1 to 63/],
    ['a NUL in the password', { password: 'a\u0000b' }, /password must be/],
  ])('refuses %s', (_name, override, message) => {
    const error = refusal(() => checkConnection({ ...valid, ...override }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
  });

  it('never repeats the password in a refusal', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1025, maxLength: 1100 }), (password) => {
        const error = refusal(() => checkConnection({ ...valid, password }));
        expect(JSON.stringify({ m: error.message, e: error.extensions })).not.toContain(
          password.slice(0, 20),
        );
      }),
      { numRuns: 20 },
    );
  });
});

describe('importName', () => {
  it('is the given name, trimmed, or "<database> query"', () => {
    expect(importName('  Sales 2026 ', 'db')).toBe('Sales 2026');
    expect(importName(null, 'warehouse')).toBe('warehouse query');
    expect(refusal(() => importName('a\nb', 'db')).message).toMatch(/control characters/);
    expect(refusal(() => importName(' ', 'db')).message).toMatch(/1 to 255 bytes/);
  });
});

describe('checkQuery', () => {
  it.each([
    'SELECT 1',
    'select * from t;',
    '  -- the sales\nSELECT id, "update" FROM public.t WHERE note = \'a; DROP TABLE t\'',
    'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
    '(SELECT 1) UNION (SELECT 2)',
    "SELECT $$ ; DELETE $$, E'it\\'s; fine', $tag$ ; $tag$",
    'SELECT substring(name FROM 1 FOR 3), update FROM t /* ; */',
  ])('accepts %j', (query) => {
    expect(checkQuery(query)).toBe(query.trim());
  });

  it.each([
    ['DELETE FROM t', /starts with DELETE/],
    ['SELECT 1; DROP TABLE t', /one SELECT statement; the query has 2/],
    ['select 1;;select 2', /has 2/],
    ['', /empty/],
    [' ; -- nothing', /empty/],
    ['SELECT * INTO copy FROM t', /INTO/],
    ['WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone', /changes data/],
    ['WITH g AS MATERIALIZED (UPDATE t SET a = 1 RETURNING a) SELECT a FROM g', /changes data/],
    ['SELECT * FROM t FOR UPDATE', /locks rows/],
    ['SELECT * FROM t FOR NO KEY UPDATE', /locks rows/],
    ["SELECT 'unclosed", /not closed/],
    ['SELECT 1 /* open', /not closed/],
    ['SELECT $a$ x', /not closed/],
    ['COPY t TO STDOUT', /starts with COPY/],
    ['EXPLAIN ANALYZE DELETE FROM t', /starts with EXPLAIN/],
  ])('refuses %j', (query, message) => {
    const error = refusal(() => checkQuery(query));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
  });

  it('a semicolon inside any literal, identifier or comment never splits the statement', () => {
    const piece = fc.constantFrom(
      (s: string) => `'${s.replace(/'/g, "''")}'`,
      (s: string) => `"${s.replace(/"/g, '""') || 'x'}"`,
      (s: string) => `$q$${s.replace(/\$q\$/g, '')}$q$`,
      (s: string) => `/* ${s.replace(/\/\*|\*\//g, '')} */`,
      (s: string) => `-- ${s.replace(/\n/g, ' ')}\n`,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.string()), { maxLength: 5 }), (parts) => {
        const query = `SELECT 1 ${parts.map(([quote, s]) => `, ${quote(`${s};`)}`).join(' ')}`;
        const skeleton = sqlSkeleton(query);
        expect(skeleton).toBeDefined();
        expect(() => checkQuery(query)).not.toThrow();
      }),
    );
  });
});
